import assert from "node:assert/strict";
import { gradientDescent, ratesForStep } from "./gd.ts";
import { closedForm } from "./trajectory.ts";
import { closedFormFrame, timeToReach } from "./closed_form.ts";
import { convergedState, invariantDrift, invariants } from "./invariants.ts";
import { prepareInit } from "./problem.ts";
import { type Case, makeCase } from "./_testing.ts";

/**
 * Max over steps k of |g_GD(k) − g_flow(t = k)| at function-space step κ = m2·max(K0, K∞),
 * run until the flow is within 1e-6 of the way to a, plus the GD output at the last step.
 */
function gdError(c: Case, kappa: number) {
  const cs = convergedState(c.problem, c.init);
  const problem = ratesForStep(c.problem, c.init.k0, cs.kInf, kappa);
  const init = prepareInit(problem, c.u0, c.w0);
  const f = closedFormFrame(problem, init);
  const tEnd = timeToReach(f, init.g0 + (1 - 1e-6) * (problem.a - init.g0))!;
  const steps = Array.from({ length: Math.ceil(tEnd) + 1 }, (_, i) => i);
  const gd = gradientDescent(problem, c.u0, c.w0, steps);
  const cf = closedForm(problem, init, steps);
  let err = 0;
  for (let i = 0; i < steps.length; i++) err = Math.max(err, Math.abs(gd.g[i] - cf.g[i]));
  return { err, problem, gd };
}

const STANDARD = [
  makeCase(1, 1, 1, 1, 1),
  makeCase(1, 0.7, 10, -1, 2),
  makeCase(3, 0.5, 0.1, -1, 3),
  makeCase(100, 1, 10, 1, 6),
  makeCase(100, 1, 0.1, -1, 7),
  makeCase(100, 4, 1, 1, 8),
  makeCase(100, 1, 1, 1, 9, "aligned"),
  makeCase(10_000, 1, 10, 1, 11),
];
const SMALL_INIT = [makeCase(3, 1e-3, 1, 1, 4), makeCase(100, 1e-3, 1, 1, 5)];

const scaleOf = (c: Case) => Math.max(Math.abs(c.problem.a), Math.abs(c.init.g0 - c.problem.a));

Deno.test("gradientDescent() follows the flow within 0.5% of max(|a|, |g0 − a|) at step m2·K ≤ 0.02", () => {
  for (const c of STANDARD) {
    const { err } = gdError(c, 0.02);
    assert.ok(err / scaleOf(c) < 0.005, `${c.name}: ${(100 * err / scaleOf(c)).toFixed(3)}%`);
  }
});

Deno.test("gradientDescent() follows the flow within 0.3% at step 0.01 (0.003 for small init)", () => {
  for (const c of STANDARD) {
    const { err } = gdError(c, 0.01);
    assert.ok(err / scaleOf(c) < 0.003, `${c.name}: ${(100 * err / scaleOf(c)).toFixed(3)}%`);
  }
  for (const c of SMALL_INIT) {
    const { err } = gdError(c, 0.003);
    assert.ok(err / Math.abs(c.problem.a) < 0.003, `${c.name}: ${(100 * err).toFixed(3)}%`);
  }
});

Deno.test("gradientDescent() deviation from the flow is first order in the step", () => {
  for (const c of [STANDARD[0], STANDARD[4], SMALL_INIT[1]]) {
    const ratio = gdError(c, 0.005).err / gdError(c, 0.01).err;
    assert.ok(Math.abs(ratio - 0.5) < 0.05, `${c.name}: error ratio ${ratio}`);
  }
});

Deno.test("gradientDescent() converges to g = a within 1e-10 and keeps invariants to O(step²)", () => {
  const c = STANDARD[3];
  const cs = convergedState(c.problem, c.init);
  const problem = ratesForStep(c.problem, c.init.k0, cs.kInf, 0.02);
  const gd = gradientDescent(problem, c.u0, c.w0, [0, 3000]);
  assert.ok(Math.abs(gd.g[1] - problem.a) < 1e-10 * Math.abs(problem.a), `${gd.g[1]}`);
  const dr = invariantDrift(invariants(problem, c.u0, c.w0), invariants(problem, gd.u, gd.w));
  assert.ok(dr.c > 0 && dr.c < 0.02 ** 2, `c drift ${dr.c}`);
});

Deno.test("gradientDescent() records the requested steps in order and flags divergence", () => {
  const problem = { gamma: 1, etaU: 0.1, etaW: 0.1, m2: 1, a: 1 };
  const u0 = Float64Array.of(0.5), w0 = Float64Array.of(0.5);
  const gd = gradientDescent(problem, u0, w0, [3, 0, 3, 1]);
  assert.deepEqual(Array.from(gd.steps), [0, 1, 3]);
  assert.equal(gd.g[0], 0.25);
  // One manual step: r = γ m2 (g − a) = −0.75; u ← u − η_u r w = 0.5 + 0.0375.
  assert.ok(Math.abs(gd.normU[1] - 0.5375) < 1e-15);
  const bad = gradientDescent({ ...problem, etaU: 50, etaW: 50 }, u0, w0, [0, 200]);
  assert.ok(bad.divergedAt !== null && Number.isNaN(bad.g[1]));
  // divergedAt is the first step whose weights are not finite: the same scalar recursion by hand
  let u = 0.5, w = 0.5, first = 0;
  while (Number.isFinite(u) && Number.isFinite(w)) {
    const r = u * w - 1;
    [u, w] = [u - 50 * r * w, w - 50 * r * u];
    first++;
  }
  assert.equal(bad.divergedAt, first);
  const every = gradientDescent({ ...problem, etaU: 50, etaW: 50 }, u0, w0, [
    ...Array(first + 3).keys(),
  ]);
  assert.equal(every.divergedAt, first);
  for (let s = 0; s < first + 3; s++) {
    // before it the weights are finite (their product may already overflow), after it NaN
    assert.equal(Number.isNaN(every.g[s]), s >= first, `step ${s} of ${first}`);
  }
  assert.throws(() => gradientDescent(problem, u0, w0, [1.5]), /Expected nonnegative integer/);
});
