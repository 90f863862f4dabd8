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

/**
 * One Dormand-Prince step written out independently from the published tableau (Hairer, Nørsett
 * and Wanner, Table II.5.2): the 5th-order weights b and the 4th-order weights b̂ (not their
 * differences, which dopri.ts uses), so that the step's error estimate comes from other numbers.
 */
function referenceStep(
  f: (y: number[]) => number[],
  y: number[],
  h: number,
): { y5: number[]; y4: number[] } {
  const a = [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
  ];
  const b = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0];
  const bHat = [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40];
  const k: number[][] = [];
  for (let s = 0; s < 7; s++) {
    k.push(f(y.map((yi, i) => yi + h * a[s].reduce((acc, aj, j) => acc + aj * k[j][i], 0))));
  }
  const comb = (w: number[]) =>
    y.map((yi, i) => yi + h * w.reduce((acc, wj, j) => acc + wj * k[j][i], 0));
  return { y5: comb(b), y4: comb(bHat) };
}

Deno.test("integrateDopri() accepts a trial step exactly when its error estimate is at most 1", () => {
  // Oscillator with a damping term; one trial step over [0, H] (h0 = H), for H on a grid whose
  // reference error estimates run from about 0.01 to 1000, so that several lie in (1, 10].
  const f = (y: number[]) => [y[1], -y[0] - 0.3 * y[1]];
  const rhs = (_t: number, y: Float64Array, out: Float64Array) => out.set(f([...y]));
  const y0 = [1, 0.5], rtol = 1e-6, atol = 1e-9;
  let inside = 0, accepts = 0;
  for (let g = 0; g <= 60; g++) {
    const h = 0.03 * Math.pow(10, g / 30);
    const { y5, y4 } = referenceStep(f, y0, h);
    const err = Math.sqrt(
      y0.reduce((acc, yi, i) => {
        const sc = atol + rtol * Math.max(Math.abs(yi), Math.abs(y5[i]));
        return acc + ((y5[i] - y4[i]) / sc) ** 2;
      }, 0) / y0.length,
    );
    if (Math.abs(err - 1) < 1e-6) continue; // too close to the boundary to call
    if (err > 1 && err <= 10) inside++;
    const res = integrateDopri(rhs, Float64Array.from(y0), [0, h], { rtol, atol, h0: h });
    const oneStep = res.accepted === 1 && res.rejected === 0;
    assert.equal(oneStep, err <= 1, `H=${h}: reference estimate ${err}`);
    if (oneStep) {
      accepts++;
      res.states[1].forEach((v, i) => assert.ok(Math.abs(v - y5[i]) < 1e-14, `H=${h}: y[${i}]`));
    } else {
      assert.ok(res.rejected >= 1, `H=${h}: rejected ${res.rejected}`);
    }
  }
  assert.ok(inside >= 5 && accepts >= 10, `estimates in (1, 10]: ${inside}; accepted: ${accepts}`);
});
