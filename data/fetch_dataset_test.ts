import assert from "node:assert/strict";
import { join } from "node:path";
import type { ArchivePin } from "./digest.ts";
import { fetchDataset, FetchError, type FetchProgress, type Source } from "./fetch_dataset.ts";
import { sha256Hex, startServer, testBytes } from "./_test_server.ts";

const GOOD = testBytes(100_000, 3);
const BAD = testBytes(100_000, 4);

function urlSource(name: string, url: string, pin: ArchivePin): Source {
  return {
    name,
    async provide(ctx) {
      const path = await ctx.download(url, "blob.gz", pin);
      await Deno.copyFile(path, join(ctx.staging, "blob.bin"));
    },
  };
}

async function setup() {
  const server = startServer({
    "/good": { kind: "file", bytes: GOOD },
    "/bad": { kind: "file", bytes: BAD },
    "/hang": { kind: "hang" },
  });
  const dir = await Deno.makeTempDir();
  const sha = await sha256Hex(GOOD);
  const pin: ArchivePin = { algorithm: "sha256", digest: sha, encoding: "hex" };
  const cleanup = async () => {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  };
  return { server, dir, sha, pin, cleanup };
}

Deno.test("fetchDataset() skips a hanging and a corrupted source and uses the good one", async () => {
  const { server, dir, sha, pin, cleanup } = await setup();
  try {
    const progress: FetchProgress[] = [];
    const result = await fetchDataset("test set", [{ name: "blob.bin", sha256: sha }], dir, [
      urlSource("hang", `${server.url}/hang`, pin),
      urlSource("corrupt", `${server.url}/bad`, pin),
      urlSource("good", `${server.url}/good`, pin),
    ], { timeoutMs: 300, onProgress: (p) => progress.push(p) });
    assert.equal(result.source, "good");
    assert.deepEqual(await Deno.readFile(result.files["blob.bin"]), GOOD);
    assert.deepEqual(result.failures.map((f) => f.source), ["hang", "corrupt"]);
    assert.match(result.failures[0].error.message, /within 300 ms but found none \(timed out\)/);
    const actual = await sha256Hex(BAD);
    assert.equal(
      result.failures[1].error.message,
      `Expected SHA-256 ${sha} for "blob.gz" but found ${actual}`,
    );
    assert.ok(progress.some((p) => p.source === "good" && p.phase === "download"));
    const left = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.deepEqual(left, ["blob.bin"]);
  } finally {
    await cleanup();
  }
});

Deno.test("fetchDataset() rejects a wrong final file with both digests and leaves no file", async () => {
  const { dir, sha, cleanup } = await setup();
  try {
    const writesBad: Source = {
      name: "bad-final",
      provide: (ctx) => Deno.writeFile(join(ctx.staging, "blob.bin"), BAD),
    };
    const error = await fetchDataset("test set", [{ name: "blob.bin", sha256: sha }], dir, [
      writesBad,
    ]).then(() => assert.fail("Expected a FetchError"), (e) => e);
    assert.ok(error instanceof FetchError);
    assert.equal(error.failures.length, 1);
    const actual = await sha256Hex(BAD);
    assert.equal(
      error.failures[0].error.message,
      `Expected SHA-256 ${sha} for "blob.bin" but found ${actual}`,
    );
    assert.match(error.message, /- bad-final: Expected SHA-256/);
    await assert.rejects(Deno.stat(join(dir, "blob.bin")));
  } finally {
    await cleanup();
  }
});

Deno.test("fetchDataset() reports verified files already present as existing", async () => {
  const { dir, sha, cleanup } = await setup();
  try {
    await Deno.writeFile(join(dir, "blob.bin"), GOOD);
    const never: Source = { name: "never", provide: () => Promise.reject(new Error("used")) };
    const result = await fetchDataset("test set", [{ name: "blob.bin", sha256: sha }], dir, [
      never,
    ]);
    assert.equal(result.source, "existing");
  } finally {
    await cleanup();
  }
});

Deno.test("fetchDataset() replaces a present file whose digest is wrong", async () => {
  const { server, dir, sha, pin, cleanup } = await setup();
  try {
    await Deno.writeFile(join(dir, "blob.bin"), BAD);
    const result = await fetchDataset("test set", [{ name: "blob.bin", sha256: sha }], dir, [
      urlSource("good", `${server.url}/good`, pin),
    ]);
    assert.equal(result.source, "good");
    assert.deepEqual(await Deno.readFile(join(dir, "blob.bin")), GOOD);
  } finally {
    await cleanup();
  }
});

Deno.test("fetchDataset() downloads again over a kept archive that no longer matches its pin", async () => {
  const { server, dir, sha, pin, cleanup } = await setup();
  try {
    // an archive left by an interrupted earlier run, since corrupted
    await Deno.mkdir(join(dir, ".downloads"));
    await Deno.writeFile(join(dir, ".downloads", "blob.gz"), BAD);
    const result = await fetchDataset("test set", [{ name: "blob.bin", sha256: sha }], dir, [
      urlSource("good", `${server.url}/good`, pin),
    ]);
    assert.equal(result.source, "good");
    assert.deepEqual(server.requests.map((r) => r.path), ["/good"]);
    assert.deepEqual(await Deno.readFile(join(dir, "blob.bin")), GOOD);
  } finally {
    await cleanup();
  }
});

Deno.test("fetchDataset() stops at an abort instead of trying the next source", async () => {
  const { server, dir, sha, pin, cleanup } = await setup();
  try {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stopped by user")), 100);
    await assert.rejects(
      fetchDataset("test set", [{ name: "blob.bin", sha256: sha }], dir, [
        urlSource("hang", `${server.url}/hang`, pin),
        urlSource("good", `${server.url}/good`, pin),
      ], { timeoutMs: 5000, signal: controller.signal }),
      /stopped by user/,
    );
    assert.equal(server.requests.length, 1);
  } finally {
    await cleanup();
  }
});

Deno.test("fetchDataset() keeps no downloaded archive that fails its pin", async () => {
  const { server, dir, sha, pin, cleanup } = await setup();
  try {
    await assert.rejects(
      fetchDataset("test set", [{ name: "blob.bin", sha256: sha }], dir, [
        urlSource("corrupt", `${server.url}/bad`, pin),
      ], { timeoutMs: 2000 }),
      FetchError,
    );
    assert.deepEqual([...Deno.readDirSync(join(dir, ".downloads"))], []);
  } finally {
    await cleanup();
  }
});
