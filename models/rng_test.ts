import assert from "node:assert/strict";
import { createRng, createRngFromState } from "./rng.ts";

Deno.test("createRngFromState() reproduces the xoshiro128** reference outputs for state 1,2,3,4", () => {
  // Values of the reference C implementation (first three checked by hand from its definition).
  const rng = createRngFromState([1, 2, 3, 4]);
  assert.deepEqual([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()], [11520, 0, 5927040]);
});

Deno.test("createRng() is deterministic per seed and differs between seeds", () => {
  const a = createRng(7).fillNormal(new Float64Array(5));
  const b = createRng(7).fillNormal(new Float64Array(5));
  const c = createRng(8).fillNormal(new Float64Array(5));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

/** createRng's seeding written again in BigInt arithmetic: fold, then four SplitMix32 outputs. */
function seedWords(seed: number): [number, number, number, number] {
  const M = 1n << 32n;
  const s = BigInt(seed);
  let st = ((s % M) ^ (((s / M) * 0x9e3779b1n) % M)) % M;
  const mix = (z: bigint, shift: bigint, mul: bigint) => ((z ^ (z >> shift)) * mul) % M;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    st = (st + 0x9e3779b9n) % M;
    const z = mix(mix(st, 16n, 0x85ebca6bn), 13n, 0xc2b2ae35n);
    words.push(Number(z ^ (z >> 16n)));
  }
  return words as [number, number, number, number];
}

Deno.test("createRng() seeds xoshiro128** with SplitMix32 of the seed folded to 32 bits, high part included", () => {
  // the DAG's seeds reach 2^32 (phase.ts draws with seed·1e6 + d): seeds 2^32 apart must differ
  for (const seed of [0, 1, 7, 2 ** 32 + 1, 4295 * 1_000_000 + 100, Number.MAX_SAFE_INTEGER]) {
    const a = createRng(seed), b = createRngFromState(seedWords(seed));
    const xs = Array.from({ length: 8 }, () => a.nextUint32());
    assert.deepEqual(xs, Array.from({ length: 8 }, () => b.nextUint32()), `seed ${seed}`);
  }
  assert.notEqual(createRng(1).nextUint32(), createRng(1 + 2 ** 32).nextUint32());
});

Deno.test("createRng() uniforms lie in [0, 1) and normals have mean 0 and variance 1", () => {
  const rng = createRng(123);
  let sum = 0;
  let sum2 = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    assert.ok(u >= 0 && u < 1);
    const x = rng.normal();
    sum += x;
    sum2 += x * x;
  }
  assert.ok(Math.abs(sum / n) < 0.01, `mean ${sum / n}`);
  assert.ok(Math.abs(sum2 / n - 1) < 0.01, `variance ${sum2 / n}`);
});

Deno.test("createRng() rejects a non-integer seed", () => {
  assert.throws(() => createRng(1.5), /Expected an integer seed but found 1.5/);
});
