import assert from "node:assert/strict";
import { integrateDopri } from "./dopri.ts";

Deno.test("integrateDopri() solves the harmonic oscillator to 1e-10 at rtol 1e-12", () => {
  const rhs = (_t: number, y: Float64Array, out: Float64Array) => {
    out[0] = y[1];
    out[1] = -y[0];
  };
  const times = [0, 1, 5, 20, 50];
  const res = integrateDopri(rhs, Float64Array.of(1, 0), times, { rtol: 1e-12, atol: 1e-14 });
  for (let i = 0; i < times.length; i++) {
    assert.ok(Math.abs(res.states[i][0] - Math.cos(times[i])) < 1e-10, `t=${times[i]}`);
    assert.ok(Math.abs(res.states[i][1] + Math.sin(times[i])) < 1e-10, `t=${times[i]}`);
  }
});

Deno.test("integrateDopri() error shrinks like rtol^(≈1) and steps grow like rtol^(−1/5)", () => {
  const rhs = (t: number, y: Float64Array, out: Float64Array) => {
    out[0] = -2 * t * y[0];
  };
  const exact = Math.exp(-9);
  const loose = integrateDopri(rhs, Float64Array.of(1), [0, 3], { rtol: 1e-6, atol: 1e-20 });
  const tight = integrateDopri(rhs, Float64Array.of(1), [0, 3], { rtol: 1e-11, atol: 1e-25 });
  const eLoose = Math.abs(loose.states[1][0] / exact - 1);
  const eTight = Math.abs(tight.states[1][0] / exact - 1);
  assert.ok(eTight < 1e-9 && eTight < 1e-3 * eLoose, `errors ${eLoose} ${eTight}`);
  const ratio = tight.accepted / loose.accepted;
  assert.ok(ratio > 5 && ratio < 20, `step ratio ${ratio}`); // 1e5^(1/5) = 10
});

Deno.test("integrateDopri() stops exactly on requested times and rejects bad input", () => {
  const seen: number[] = [];
  const rhs = (t: number, _y: Float64Array, out: Float64Array) => {
    seen.push(t);
    out[0] = 1;
  };
  const res = integrateDopri(rhs, Float64Array.of(0), [0, 0.3, 0.3, 7]);
  const want = [0, 0.3, 0.3, 7];
  res.states.forEach((s, i) => assert.ok(Math.abs(s[0] - want[i]) < 1e-14, `y at ${want[i]}`));
  assert.ok(seen.every((t) => t <= 7) && seen.includes(0.3) && seen.includes(7));
  assert.throws(() => integrateDopri(rhs, Float64Array.of(0), [1, 0]), /nondecreasing times/);
  assert.throws(
    () => integrateDopri(rhs, Float64Array.of(0), [0, 1e9], { maxSteps: 10, h0: 1e-3 }),
    /Expected at most 10 steps/,
  );
});
