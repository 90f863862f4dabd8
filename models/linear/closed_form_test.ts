import assert from "node:assert/strict";
import { closedForm } from "./trajectory.ts";
import { parameterFlow, reducedOde } from "./flows.ts";
import { makeCase, maxAbsDiff, norm, spanningTimes } from "./_testing.ts";

// SPEC 2.9 item 3: widths, rate ratios, both signs, small / standard / large and aligned init.
const CASES = [
  makeCase(1, 1, 1, 1, 1),
  makeCase(1, 0.7, 10, -1, 2),
  makeCase(3, 0.5, 0.1, -1, 3),
  makeCase(3, 1e-3, 1, 1, 4),
  makeCase(100, 1e-3, 1, 1, 5),
  makeCase(100, 1, 10, 1, 6),
  makeCase(100, 1, 0.1, -1, 7),
  makeCase(100, 4, 1, 1, 8),
  makeCase(100, 1, 1, 1, 9, "aligned"),
  makeCase(10_000, 1e-3, 1, -1, 10),
  makeCase(10_000, 1, 10, 1, 11),
];

Deno.test("closedForm() matches the 2d-dimensional parameter flow to 1e-8 (SPEC 2.9 cases)", () => {
  let worst = 0;
  for (const c of CASES) {
    const times = spanningTimes(c.problem, c.init);
    const cf = closedForm(c.problem, c.init, times, { weights: true });
    const pf = parameterFlow(c.problem, c.u0, c.w0, times, { rtol: 1e-12 });
    const scale = Math.max(Math.abs(c.problem.a), Math.abs(c.init.g0));
    for (let i = 0; i < times.length; i++) {
      const o = pf.observables[i];
      const errs = [
        Math.abs(cf.g[i] - o.g) / scale,
        Math.abs(cf.k[i] - o.k) / o.k,
        Math.abs(cf.normU[i] - o.normU) / o.normU,
        Math.abs(cf.normW[i] - o.normW) / o.normW,
        Math.abs(cf.cosTheta[i] - o.cosTheta),
        maxAbsDiff(cf.u![i], pf.u[i]) / norm(pf.u[i]),
        maxAbsDiff(cf.w![i], pf.w[i]) / norm(pf.w[i]),
      ];
      const e = Math.max(...errs);
      worst = Math.max(worst, e);
      assert.ok(e < 1e-8, `${c.name} t=${times[i]}: errors ${errs}`);
    }
  }
  assert.ok(worst > 0, "the comparison must not be trivially exact");
});

Deno.test("closedForm() matches the reduced ODE to 1e-10 at widths 1 to 1e4", () => {
  for (const c of CASES) {
    const times = spanningTimes(c.problem, c.init);
    const cf = closedForm(c.problem, c.init, times);
    const ode = reducedOde(c.problem, c.init, times, { rtol: 1e-13 });
    const scale = Math.max(Math.abs(c.problem.a), Math.abs(c.init.g0));
    assert.ok(maxAbsDiff(cf.g, ode.g) / scale < 1e-10, `${c.name}: g ${maxAbsDiff(cf.g, ode.g)}`);
    for (let i = 0; i < times.length; i++) {
      assert.ok(Math.abs(cf.k[i] - ode.k[i]) / ode.k[i] < 1e-10, `${c.name}: K at ${times[i]}`);
    }
  }
});

Deno.test("closedForm() reproduces the initial state exactly at t = 0", () => {
  for (const c of CASES) {
    const cf = closedForm(c.problem, c.init, [0], { weights: true });
    assert.ok(Math.abs(cf.logZ[0]) < 1e-14, `${c.name}: log z(0) = ${cf.logZ[0]}`);
    assert.ok(maxAbsDiff(cf.u![0], c.u0) <= 1e-14 * norm(c.u0), c.name);
    assert.ok(maxAbsDiff(cf.w![0], c.w0) <= 1e-14 * norm(c.w0), c.name);
    assert.ok(Math.abs(cf.g[0] - c.init.g0) <= 1e-14 * Math.max(1, Math.abs(c.init.g0)), c.name);
    assert.ok(Math.abs(cf.k[0] / c.init.k0 - 1) < 1e-14, c.name);
  }
});

Deno.test("closedForm() converges to g = a and K∞ = γ̃Δ with the rate m2 K∞", () => {
  for (const c of CASES) {
    const cf = closedForm(c.problem, c.init, [Infinity, 1e6 / c.problem.m2 / 1e-3]);
    assert.equal(cf.status, "converged");
    assert.equal(cf.g[0], c.problem.a);
    const gt = c.init.gammaTilde;
    const kInf = Math.sqrt(c.init.k0 ** 2 + 4 * gt * gt * (c.problem.a ** 2 - c.init.g0 ** 2));
    assert.ok(Math.abs(cf.k[0] / kInf - 1) < 1e-12, `${c.name}: ${cf.k[0]} vs ${kInf}`);
    assert.ok(Math.abs(cf.rate / (c.problem.m2 * kInf) - 1) < 1e-12, c.name);
    assert.ok(Math.abs(cf.g[1] - c.problem.a) <= 1e-15 * Math.abs(c.problem.a), c.name);
  }
});
