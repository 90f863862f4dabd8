import assert from "node:assert/strict";
import { augmentCrop, CIFAR_MEAN, CIFAR_STD, deriveSeed } from "../data/mod.ts";
import { resnetAugment } from "./_resnet_train.ts";

Deno.test("resnetAugment() draws new crops and flips every epoch and batch, the same on a rerun", () => {
  const batch = 16;
  // Distinct values per pixel and channel, so that any shift or flip shows.
  const x = Float32Array.from({ length: batch * 3 * 1024 }, (_, i) => i % 3072);
  const aug = resnetAugment({ seed: 5, batch });
  const a = aug(x, 3, 7);
  assert.deepEqual(aug(x, 3, 7), a); // a resumed run sees the same batch
  assert.deepEqual(resnetAugment({ seed: 5, batch })(x, 3, 7), a);
  assert.notDeepEqual(aug(x, 4, 7), a); // another epoch, same batch position
  assert.notDeepEqual(aug(x, 3, 8), a); // another batch
  assert.notDeepEqual(resnetAugment({ seed: 6, batch })(x, 3, 7), a); // another run seed
  assert.notDeepEqual(a, x); // 16 images all left in place: odds 1 in 162^16
  // The padding is black after normalisation: (0 - mean) / std per channel.
  const fill = CIFAR_MEAN.map((m, c) => Math.fround(-m / CIFAR_STD[c]));
  let padded = 0;
  for (let i = 0; i < a.length; i++) {
    const c = Math.floor(i / 1024) % 3;
    if (a[i] === fill[c]) padded++;
    else assert.equal(Math.floor(a[i] / 1024), c, `pixel ${i} moved across channels`);
  }
  assert.ok(padded > 0, "no padded pixel in 16 crops");
});

Deno.test("resnetAugment() draws from none of the streams that shuffle the run's epochs", () => {
  const batch = 16;
  const x = Float32Array.from({ length: batch * 3 * 1024 }, (_, i) => i % 3072);
  const fill = CIFAR_MEAN.map((m, c) => -m / CIFAR_STD[c]);
  const aug = resnetAugment({ seed: 5, batch });
  // batchIndices (data/batch.ts) shuffles epoch k with the stream deriveSeed(seed, epochStream(k))
  for (let k = 0; k < 4; k++) {
    const sameStream = augmentCrop({ shape: [batch, 3, 32, 32], data: x }, deriveSeed(5, k), {
      fill,
    }).data;
    for (const [e, b] of [[0, k], [k, 0], [k, k]]) {
      assert.notDeepEqual(aug(x, e, b), sameStream, `epoch ${e}, batch ${b} reuses epoch ${k}'s`);
    }
  }
});
