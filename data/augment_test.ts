import assert from "node:assert/strict";
import { augmentCrop, augmentSeed } from "./augment.ts";
import { deriveSeed } from "./_rng.ts";
import {
  channelStats,
  CIFAR_MEAN,
  CIFAR_STD,
  normalizeChannels,
  normalizeCifar,
  standardizeMnist,
} from "./normalize.ts";

/** A [n, 1, 4, 4] batch with value 10 * image + 4 * row + column + 1. */
function tiny(n: number) {
  const data = new Float32Array(n * 16);
  for (let i = 0; i < n; i++) for (let k = 0; k < 16; k++) data[i * 16 + k] = 10 * i + k + 1;
  return { shape: [n, 1, 4, 4], data };
}

Deno.test("augmentCrop() without padding or flip is the identity", () => {
  const x = tiny(3);
  assert.deepEqual(augmentCrop(x, 1, { padding: 0, flip: false }).data, x.data);
});

Deno.test("augmentCrop() shifts by at most the padding, fills, and flips", () => {
  const x = tiny(200);
  const out = augmentCrop(x, 9, { padding: 1, fill: [-1] });
  let flipped = 0;
  for (let i = 0; i < 200; i++) {
    const img = [...out.data.subarray(i * 16, i * 16 + 16)];
    const interior = img.filter((v) => v !== -1);
    assert.ok(interior.length >= 9, "a shift of at most 1 keeps a 3x3 block");
    // Every kept value comes from the same image.
    assert.ok(interior.every((v) => v > 10 * i && v <= 10 * i + 16));
    // Horizontal order within a row tells whether the image was flipped.
    const row = img.slice(4, 8).filter((v) => v !== -1);
    if (row.length > 1 && row[0] > row[1]) flipped++;
  }
  assert.ok(flipped > 60 && flipped < 140, `flip rate ${flipped}/200`);
  assert.deepEqual(out, augmentCrop(x, 9, { padding: 1, fill: [-1] }));
  assert.notDeepEqual(out.data, augmentCrop(x, 10, { padding: 1, fill: [-1] }).data);
});

Deno.test("augmentCrop() rejects a tensor that is not [n, C, H, W]", () => {
  assert.throws(() => augmentCrop({ shape: [4, 4], data: new Float32Array(16) }, 1), RangeError);
});

Deno.test("normalizeCifar() applies kuangliu's per-channel constants", () => {
  const x = { shape: [1, 3, 1, 2], data: new Float32Array([0.4914, 1, 0.4822, 0, 0.4465, 0.5]) };
  const y = normalizeCifar(x).data;
  assert.ok(Math.abs(y[0]) < 1e-6);
  assert.ok(Math.abs(y[1] - (1 - CIFAR_MEAN[0]) / CIFAR_STD[0]) < 1e-6);
  assert.ok(Math.abs(y[3] + CIFAR_MEAN[1] / CIFAR_STD[1]) < 1e-6);
  assert.ok(Math.abs(y[5] - (0.5 - CIFAR_MEAN[2]) / CIFAR_STD[2]) < 1e-6);
  // the constants as SPEC 8 quotes kuangliu's Normalize(mean (R, G, B), std (R, G, B)), in order
  assert.deepEqual([...CIFAR_MEAN], [0.4914, 0.4822, 0.4465]);
  assert.deepEqual([...CIFAR_STD], [0.2023, 0.1994, 0.2010]);
  assert.ok(Math.abs(y[5] - (0.5 - 0.4465) / 0.2010) < 1e-6);
});

Deno.test("standardizeMnist() and channelStats() agree on mean 0", () => {
  const x = {
    shape: [2, 2],
    data: new Float32Array([0.1307, 0.1307, 0.1307 + 0.3081, 0.1307 - 0.3081]),
  };
  const stats = channelStats({ shape: [4, 1], data: standardizeMnist(x).data });
  assert.ok(Math.abs(stats.mean[0]) < 1e-6);
  assert.ok(Math.abs(stats.std[0] - Math.sqrt(0.5)) < 1e-5);
});

Deno.test("augmentCrop() pads each channel with its own fill value", () => {
  // two channels of ones, padded by 8 on a 4x4 image: some pixels of most images are padding
  const x = { shape: [20, 2, 4, 4], data: new Float32Array(20 * 32).fill(1) };
  const out = augmentCrop(x, 5, { padding: 8, fill: [-2, -3], flip: false });
  let padded = 0;
  for (let i = 0; i < 20; i++) {
    const c0 = out.data.subarray(i * 32, i * 32 + 16),
      c1 = out.data.subarray(i * 32 + 16, i * 32 + 32);
    assert.ok(c0.every((v) => v === 1 || v === -2), `channel 0 of image ${i}`);
    assert.ok(c1.every((v) => v === 1 || v === -3), `channel 1 of image ${i}`);
    padded += c1.filter((v) => v === -3).length;
  }
  assert.ok(padded > 0);
});

Deno.test("augmentCrop() pads by 4 by default (RandomCrop(32, padding=4))", () => {
  // a single lit centre pixel of a 9x9 image lands at one of 9 x 9 places for the 9 x 9 offsets
  // (dy, dx) in -4..4: all of them show up over 2000 images, and none leaves the image
  const n = 2000;
  const x = { shape: [n, 1, 9, 9], data: new Float32Array(n * 81) };
  for (let i = 0; i < n; i++) x.data[i * 81 + 40] = 1; // the centre pixel only
  const out = augmentCrop(x, 11, { flip: false });
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const at = out.data.subarray(i * 81, i * 81 + 81).indexOf(1);
    assert.ok(at >= 0, `the centre stays inside a 9x9 image after a shift of at most 4 (${i})`);
    seen.add(at);
  }
  assert.equal(seen.size, 81, "every shift in -4..4 x -4..4 occurs");
});

Deno.test("augmentCrop() rejects a tensor of five dimensions", () => {
  assert.throws(
    () => augmentCrop({ shape: [1, 1, 2, 2, 1], data: new Float32Array(4) }, 1),
    /Expected a \[n, C, H, W\] tensor but found shape \[1,1,2,2,1\]/,
  );
});

Deno.test("normalizeChannels() rejects a channel or std count that does not match the means", () => {
  const x = { shape: [1, 3, 1, 1], data: new Float32Array([1, 2, 3]) };
  assert.throws(() => normalizeChannels(x, [0, 0], [1, 1]), /Expected 2 channels in dimension 1/);
  assert.throws(() => normalizeChannels(x, [0, 0, 0], [1, 1, 1, 1]), /Expected 3 stds but found 4/);
});

Deno.test("channelStats() gives per-channel stats of a [n, C, H, W] batch, 0 std for a constant", () => {
  // two images, two channels of 1 x 50 pixels: channel 0 holds 0..99 in order, channel 1 is a
  // constant whose float64 moments round to a variance just below 0
  const x = { shape: [2, 2, 1, 50], data: new Float32Array(200) };
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 50; j++) {
      x.data[i * 100 + j] = i * 50 + j;
      x.data[i * 100 + 50 + j] = 1 / 97;
    }
  }
  const s = channelStats(x);
  assert.equal(s.mean[0], 49.5);
  assert.ok(Math.abs(s.std[0] - Math.sqrt((100 ** 2 - 1) / 12)) < 1e-9, `${s.std[0]}`);
  assert.ok(Math.abs(s.mean[1] - 1 / 97) < 1e-9);
  assert.equal(s.std[1], 0);
});

Deno.test("augmentSeed() keeps the seeds the ResNet-18 runs have drawn their crops from", () => {
  // The values of the stages' former deriveSeed(deriveSeed(deriveSeed(seed, 0x7fffffff), e), b):
  // a changed stream would change every cached ResNet-18 result without a word.
  assert.equal(augmentSeed(5, 3, 7), 3133038704);
  assert.equal(augmentSeed(0, 0, 0), 1464587733);
  assert.equal(augmentSeed(2, 199, 390), 2702760339);
  // apart from every epoch's shuffle stream (index = epoch) of the same run seed
  const shuffles = new Set(Array.from({ length: 200 }, (_, e) => deriveSeed(5, e)));
  for (let e = 0; e < 200; e++) assert.ok(!shuffles.has(augmentSeed(5, e, 0)), `epoch ${e}`);
});
