import assert from "node:assert/strict";
import { AUGMENT_STREAM, createRng, deriveSeed, epochStream } from "./_rng.ts";
import { createRngFromState } from "../models/rng.ts";

Deno.test("createRng() is deterministic per seed and differs across seeds", () => {
  const a = createRng(42);
  const b = createRng(42);
  const c = createRng(43);
  const xs = Array.from({ length: 5 }, () => a.nextU32());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.nextU32()));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.nextU32()));
});

Deno.test("createRng() gives uniform, integer and normal draws with the right moments", () => {
  const rng = createRng(1);
  const n = 20000;
  let su = 0, sn = 0, sn2 = 0;
  const counts = new Array(5).fill(0);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    assert.ok(u >= 0 && u < 1);
    su += u;
    counts[rng.int(5)]++;
    const z = rng.normal();
    sn += z;
    sn2 += z * z;
  }
  assert.ok(Math.abs(su / n - 0.5) < 0.01);
  assert.ok(Math.abs(sn / n) < 0.03);
  assert.ok(Math.abs(sn2 / n - 1) < 0.04);
  assert.ok(counts.every((k) => Math.abs(k / n - 0.2) < 0.015));
});

Deno.test("createRng().int() is unbiased for a bound that does not divide 2^32", () => {
  // n = 3·2^30: plain `u32 % n` would land below 2^30 half of the time (u32 in [n, 2^32) wraps
  // there); uniform draws land there a third of the time
  const rng = createRng(5);
  const n = 3 * 2 ** 30;
  let low = 0;
  for (let i = 0; i < 30_000; i++) if (rng.int(n) < 2 ** 30) low++;
  assert.ok(Math.abs(low / 30_000 - 1 / 3) < 0.02, `${low / 30_000}`);
});

Deno.test("createRng() rejects a non-integer seed and bound", () => {
  assert.throws(() => createRng(0.5), RangeError);
  assert.throws(() => createRng(1).int(0), RangeError);
});

Deno.test("deriveSeed() gives distinct seeds per index", () => {
  const seeds = new Set(Array.from({ length: 100 }, (_, i) => deriveSeed(7, i)));
  assert.equal(seeds.size, 100);
});

Deno.test("deriveSeed() never hands a child the parent's own seeding words", () => {
  // createRng(seed) starts xoshiro128** from four SplitMix32 outputs of the seed (models/rng.ts).
  // A child seed equal to one of them would seed the child's stream with a word of the parent's
  // state instead of an unrelated number. deriveSeed() hashes index + 1: index 0 hashed as 0 would give
  // exactly the first word.
  const fmix = (x: number) => {
    let z = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const seeding = (seed: number) => [1, 2, 3, 4].map((k) => fmix((seed + k * 0x9e3779b9) >>> 0));
  // The words written out here are the ones createRng() starts from.
  for (const seed of [0, 1, 99]) {
    const a = createRngFromState(seeding(seed) as [number, number, number, number]);
    const b = createRng(seed);
    for (let j = 0; j < 4; j++) assert.equal(a.nextUint32(), b.nextU32(), `seed ${seed}`);
  }
  for (let seed = 0; seed < 500; seed++) {
    const words = new Set(seeding(seed));
    for (let i = 0; i < 8; i++) {
      assert.ok(!words.has(deriveSeed(seed, i)), `seed ${seed}, index ${i}`);
    }
  }
});

Deno.test("epochStream() is the epoch, and no epoch reaches the augmentation stream", () => {
  assert.equal(epochStream(0), 0);
  assert.equal(epochStream(199), 199);
  assert.equal(epochStream(AUGMENT_STREAM - 1), AUGMENT_STREAM - 1);
  for (const bad of [-1, 1.5, AUGMENT_STREAM, NaN]) {
    assert.throws(() => epochStream(bad), /Expected an epoch in \[0, 2147483647\)/);
  }
});
