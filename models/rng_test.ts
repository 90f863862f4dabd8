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
