import assert from "node:assert/strict";
import { augmentCrop } from "./augment.ts";
import {
  channelStats,
  CIFAR_MEAN,
  CIFAR_STD,
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
