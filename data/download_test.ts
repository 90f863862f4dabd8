import assert from "node:assert/strict";
import { join } from "node:path";
import { DownloadError, downloadFile } from "./download.ts";
import { startServer, testBytes } from "./_test_server.ts";

const DATA = testBytes(200_000);

Deno.test("downloadFile() writes the body and reports progress", async () => {
  const server = startServer({ "/good": { kind: "file", bytes: DATA } });
  const dir = await Deno.makeTempDir();
  try {
    const seen: [number, number | null][] = [];
    const dest = join(dir, "good.bin");
    const result = await downloadFile(`${server.url}/good`, dest, {
      timeoutMs: 2000,
      onProgress: (done, total) => seen.push([done, total]),
    });
    assert.deepEqual(await Deno.readFile(dest), DATA);
    assert.deepEqual(result, { bytes: DATA.length, resumed: false });
    assert.deepEqual(seen.at(-1), [DATA.length, DATA.length]);
    assert.ok(seen.every(([d], i) => i === 0 || d >= seen[i - 1][0]));
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadFile() resumes an interrupted download with a Range request", async () => {
  const server = startServer({ "/cut": { kind: "interrupt", bytes: DATA, cut: 70_000 } });
  const dir = await Deno.makeTempDir();
  try {
    const dest = join(dir, "cut.bin");
    const result = await downloadFile(`${server.url}/cut`, dest, { timeoutMs: 2000 });
    assert.deepEqual(await Deno.readFile(dest), DATA);
    assert.equal(result.resumed, true);
    assert.equal(server.requests.length, 2);
    assert.match(server.requests[1].range ?? "", /^bytes=\d+-$/);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadFile() resumes from a .part left by an earlier run", async () => {
  const server = startServer({ "/f": { kind: "file", bytes: DATA } });
  const dir = await Deno.makeTempDir();
  try {
    const dest = join(dir, "f.bin");
    await Deno.writeFile(`${dest}.part`, DATA.subarray(0, 12_345));
    const result = await downloadFile(`${server.url}/f`, dest, { timeoutMs: 2000 });
    assert.deepEqual(await Deno.readFile(dest), DATA);
    assert.equal(result.resumed, true);
    assert.equal(server.requests[0].range, "bytes=12345-");
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadFile() restarts cleanly when the server ignores Range", async () => {
  const server = startServer({ "/f": { kind: "file", bytes: DATA, ignoreRange: true } });
  const dir = await Deno.makeTempDir();
  try {
    const dest = join(dir, "f.bin");
    await Deno.writeFile(`${dest}.part`, new Uint8Array(5000).fill(7));
    const result = await downloadFile(`${server.url}/f`, dest, { timeoutMs: 2000 });
    assert.deepEqual(await Deno.readFile(dest), DATA);
    assert.equal(result.resumed, false);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadFile() restarting from 0 drops a stale .part longer than the file", async () => {
  const server = startServer({ "/f": { kind: "file", bytes: DATA, ignoreRange: true } });
  const dir = await Deno.makeTempDir();
  try {
    const dest = join(dir, "f.bin");
    await Deno.writeFile(`${dest}.part`, new Uint8Array(DATA.length + 5000).fill(7));
    await downloadFile(`${server.url}/f`, dest, { timeoutMs: 2000 });
    assert.deepEqual(await Deno.readFile(dest), DATA);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadFile() rejects a partial answer that starts elsewhere than asked", async () => {
  const server = startServer({ "/f": { kind: "file", bytes: DATA, rangeFrom: 0 } });
  const dir = await Deno.makeTempDir();
  try {
    const dest = join(dir, "f.bin");
    await Deno.writeFile(`${dest}.part`, DATA.subarray(0, 12_345));
    await assert.rejects(
      downloadFile(`${server.url}/f`, dest, { timeoutMs: 2000 }),
      (e) =>
        e instanceof DownloadError &&
        /Expected Content-Range "bytes 12345-\.\.\." from .* but found "bytes 0-199999\/200000"/
          .test(e.message),
    );
    // nothing half-written is left as the file, and the .part it could not trust is gone
    assert.equal(await Deno.stat(dest).then(() => true, () => false), false);
    assert.equal(await Deno.stat(`${dest}.part`).then(() => true, () => false), false);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadFile() times out on a host that does not answer", async () => {
  const server = startServer({ "/hang": { kind: "hang" } });
  const dir = await Deno.makeTempDir();
  try {
    const dest = join(dir, "h.bin");
    const error = await downloadFile(`${server.url}/hang`, dest, { timeoutMs: 300 }).then(
      () => assert.fail("Expected a timeout"),
      (e) => e,
    );
    assert.ok(error instanceof DownloadError && error.timedOut);
    assert.match(error.message, /within 300 ms but found none \(timed out\)/);
    await assert.rejects(Deno.stat(dest));
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadFile() times out on a stalled body and keeps the .part", async () => {
  const server = startServer({ "/stall": { kind: "stall", bytes: DATA, cut: 1000 } });
  const dir = await Deno.makeTempDir();
  try {
    const dest = join(dir, "s.bin");
    await assert.rejects(
      downloadFile(`${server.url}/stall`, dest, { timeoutMs: 300, maxResumes: 0 }),
      (e) => e instanceof DownloadError && e.timedOut,
    );
    assert.equal((await Deno.stat(`${dest}.part`)).size, 1000);
    await assert.rejects(Deno.stat(dest));
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadFile() rejects an HTTP error status, a 416 without Range included", async () => {
  const server = startServer({
    "/gone": { kind: "status", status: 404 },
    "/r": { kind: "status", status: 416 },
  });
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      downloadFile(`${server.url}/gone`, join(dir, "x"), { timeoutMs: 2000 }),
      /Expected HTTP 200 from ".*\/gone" but found 404/,
    );
    // a 416 to a request without Range (nothing to resume) is an HTTP error too
    await assert.rejects(
      downloadFile(`${server.url}/r`, join(dir, "r.bin"), { timeoutMs: 2000 }),
      (e) => e instanceof DownloadError && /but found 416/.test(e.message),
    );
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadFile() resumes at most maxResumes times, and not after an attempt that got nothing", async () => {
  // every request sends 1000 bytes of the 200 000 then stalls (a generous idle timeout, so that
  // a loaded machine still gets those bytes in time)
  const server = startServer({
    "/stall": { kind: "stall", bytes: DATA, cut: 1000 },
    "/hang": { kind: "hang" },
  });
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      downloadFile(`${server.url}/stall`, join(dir, "s.bin"), { timeoutMs: 1000, maxResumes: 1 }),
      (e) => e instanceof DownloadError && e.timedOut,
    );
    assert.equal(server.requests.filter((r) => r.path === "/stall").length, 2);
    await assert.rejects(
      downloadFile(`${server.url}/hang`, join(dir, "h.bin"), { timeoutMs: 1000 }),
      (e) => e instanceof DownloadError && e.timedOut,
    );
    assert.equal(server.requests.filter((r) => r.path === "/hang").length, 1);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
