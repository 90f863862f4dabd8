import assert from "node:assert/strict";
import { closedForm } from "./trajectory.ts";
import { parameterFlow } from "./flows.ts";
import {
  convergedState,
  invariantDrift,
  invariants,
  matrixInvariantDrift,
  timeScales,
} from "./invariants.ts";
import { makeCase, spanningTimes } from "./_testing.ts";

const CASES = [
  makeCase(1, 1, 1, 1, 21),
  makeCase(3, 0.5, 0.1, -1, 22),
  makeCase(100, 1e-3, 1, 1, 23),
  makeCase(100, 1, 10, 1, 24),
  makeCase(100, 2, 1, -1, 25, "aligned", -5),
  makeCase(1000, 0.3, 0.5, 2, 26),
  makeCase(10_000, 1e-3, 1, -1, 27),
];

Deno.test("invariants() Q, c, J² and K² − 4γ̃²g² drift by less than 1e-9 along the integrated flow", () => {
  let worst = 0;
  for (const c of CASES) {
    const times = spanningTimes(c.problem, c.init);
    const pf = parameterFlow(c.problem, c.u0, c.w0, times, { rtol: 1e-12 });
    const i0 = invariants(c.problem, c.u0, c.w0);
    for (let i = 0; i < times.length; i++) {
      const dr = invariantDrift(i0, invariants(c.problem, pf.u[i], pf.w[i]));
      const q = c.u0.length <= 1000
        ? matrixInvariantDrift(c.problem, c.u0, c.w0, pf.u[i], pf.w[i])
        : 0;
      const m = Math.max(dr.c, dr.j2, dr.kc2, q);
      worst = Math.max(worst, m);
      assert.ok(m < 1e-9, `${c.name} t=${times[i]}: drifts ${JSON.stringify(dr)} Q ${q}`);
    }
  }
  assert.ok(worst > 0, "drifts are measured, not identically zero");
});

Deno.test("invariantDrift() detects a perturbation that breaks the invariants", () => {
  const c = CASES[3];
  const u = Float64Array.from(c.u0);
  u[0] *= 1 + 1e-4;
  const dr = invariantDrift(invariants(c.problem, c.u0, c.w0), invariants(c.problem, u, c.w0));
  assert.ok(dr.c > 1e-9 && dr.kc2 > 1e-9);
  assert.ok(matrixInvariantDrift(c.problem, c.u0, c.w0, u, c.w0) > 1e-9);
});

Deno.test("convergedState() K∞ = √(K0² + 4γ̃²(a² − g0²)) matches the simulated final NTK to 1e-6", () => {
  for (const c of CASES) {
    const cs = convergedState(c.problem, c.init);
    const times = spanningTimes(c.problem, c.init);
    const tEnd = times[times.length - 1] + 40 / cs.rate;
    const o = parameterFlow(c.problem, c.u0, c.w0, [tEnd], { rtol: 1e-12 }).observables[0];
    const gt = c.init.gammaTilde;
    const formula = Math.sqrt(c.init.k0 ** 2 + 4 * gt * gt * (c.problem.a ** 2 - c.init.g0 ** 2));
    assert.ok(Math.abs(formula / o.k - 1) < 1e-6, `${c.name}: ${formula} vs ${o.k}`);
    assert.ok(Math.abs(cs.kInf / o.k - 1) < 1e-6, c.name);
    assert.ok(Math.abs(cs.normUInf / o.normU - 1) < 1e-6, `${c.name}: |u∞|`);
    assert.ok(Math.abs(cs.normWInf / o.normW - 1) < 1e-6, `${c.name}: |w∞|`);
    assert.ok(Math.abs(cs.cosThetaInf - o.cosTheta) < 1e-6, `${c.name}: cos θ∞`);
    assert.ok(Math.abs(o.g - c.problem.a) < 1e-10 * Math.abs(c.problem.a), `${c.name}: g∞`);
    assert.ok(Math.abs(cs.zetaSignedInf - (o.k / c.init.k0 - 1)) < 1e-6 * (o.k / c.init.k0));
  }
});

Deno.test("timeScales() small-init estimate of t½ agrees with the exact passage time to 3 digits", () => {
  for (const c of [makeCase(100, 1e-3, 1, 1, 31), makeCase(1000, 1e-4, 3, -2, 32)]) {
    const ts = timeScales(c.problem, c.init);
    assert.ok(ts.halfTargetTime !== null && ts.halfTargetApprox !== null);
    const rel = Math.abs(ts.halfTargetApprox / ts.halfTargetTime - 1);
    assert.ok(rel < 1e-3, `${c.name}: approx ${ts.halfTargetApprox} exact ${ts.halfTargetTime}`);
    const g = closedForm(c.problem, c.init, [ts.halfTargetTime]).g[0];
    assert.ok(Math.abs(g - c.problem.a / 2) < 1e-12);
    // halfwayTime: g is halfway from g0 to a (not at a/2, unless g0 = 0)
    assert.ok(ts.halfwayTime !== null);
    const half = closedForm(c.problem, c.init, [ts.halfwayTime]).g[0];
    const target = (c.init.g0 + c.problem.a) / 2;
    assert.ok(Math.abs(half - target) < 1e-12, `${c.name}: ${half} vs ${target}`);
  }
  // with g0 far from 0 the two times differ
  const big = makeCase(100, 1, 1, 1, 33, "aligned", 3); // g0 = 3, a = 1
  const ts = timeScales(big.problem, big.init);
  const g = closedForm(big.problem, big.init, [ts.halfwayTime!]).g[0];
  assert.ok(Math.abs(big.init.g0 - 3) < 1e-12, `g0 = ${big.init.g0}`);
  assert.ok(Math.abs(g - 2) < 1e-12, `${g}`);
});

Deno.test("timeScales() kernel regime follows g − a ≈ (g0 − a)e^{−m2K0t} (width 1e4, NTK scaling)", () => {
  const c = makeCase(10_000, 1, 1, 1, 33);
  const ts = timeScales(c.problem, c.init);
  assert.ok(ts.kernelTime !== null && ts.convergenceTime !== null);
  const times = [0.5, 1, 2, 4].map((m) => m * ts.kernelTime!);
  const tr = closedForm(c.problem, c.init, times);
  for (let i = 0; i < times.length; i++) {
    const lin: number = c.problem.a +
      (c.init.g0 - c.problem.a) * Math.exp(-times[i] / ts.kernelTime!);
    assert.ok(Math.abs(tr.g[i] - lin) < 0.02 * Math.abs(c.init.g0 - c.problem.a), `t=${times[i]}`);
  }
  assert.ok(Math.abs(ts.convergenceTime / ts.kernelTime - 1) < 0.05);
});
