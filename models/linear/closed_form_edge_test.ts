import assert from "node:assert/strict";
import { closedForm } from "./trajectory.ts";
import { closedFormFrame, timeToReach } from "./closed_form.ts";
import { reducedOde } from "./flows.ts";
import { prepareInit } from "./problem.ts";
import { createRng } from "../rng.ts";
import { maxAbsDiff, spanningTimes } from "./_testing.ts";

const f64 = (...x: number[]) => Float64Array.from(x);
const TIMES = [0, 0.1, 0.5, 1, 2, 5, 10, 50, 1e3, 1e300, Infinity];

function assertFinite(tr: ReturnType<typeof closedForm>, label: string): void {
  for (const key of ["g", "k", "logZ", "normU", "normW", "cosTheta"] as const) {
    for (const v of tr[key]) assert.ok(!Number.isNaN(v), `${label}: NaN in ${key}`);
  }
}

Deno.test("closedForm() follows the SPEC 2.3 formula for B = 0 (u0 = w0) with a > 0", () => {
  const problem = { gamma: 0.7, etaU: 1, etaW: 1, m2: 1.3, a: 2 };
  const init = prepareInit(problem, f64(0.3, -0.4), f64(0.3, -0.4));
  const tr = closedForm(problem, init, TIMES);
  const gt = init.gammaTilde, zs = gt * init.a2 / (4 * problem.a);
  for (let i = 0; i < TIMES.length - 2; i++) {
    const z = zs + (1 - zs) * Math.exp(-2 * gt * problem.m2 * problem.a * TIMES[i]);
    assert.ok(Math.abs(tr.g[i] - gt * init.a2 / (4 * z)) < 1e-14, `t=${TIMES[i]}`);
    assert.equal(tr.cosTheta[i], 1);
  }
  assert.equal(tr.status, "converged");
  assertFinite(tr, "B=0");
});

Deno.test("closedForm() follows the SPEC 2.3 formula for A = 0 (u0 = −w0) with a < 0", () => {
  const problem = { gamma: 1.1, etaU: 2, etaW: 2, m2: 0.9, a: -0.5 };
  const init = prepareInit(problem, f64(0.2, 0.1, -0.3), f64(-0.2, -0.1, 0.3));
  const tr = closedForm(problem, init, TIMES);
  const gt = init.gammaTilde, ys = -gt * init.b2 / (4 * problem.a);
  for (let i = 0; i < TIMES.length - 2; i++) {
    const invZ = ys + (1 - ys) * Math.exp(2 * gt * problem.m2 * problem.a * TIMES[i]);
    assert.ok(Math.abs(tr.g[i] + gt * init.b2 / (4 * invZ)) < 1e-14, `t=${TIMES[i]}`);
  }
  assert.equal(tr.status, "converged");
  assert.equal(tr.g[TIMES.length - 1], -0.5);
});

Deno.test("closedForm() flags the saddle for A = 0 with a > 0 and B = 0 with a < 0 (no NaN)", () => {
  const cases = [
    { problem: { gamma: 1, etaU: 1, etaW: 1, m2: 1, a: 1 }, u0: f64(1, 0.5), w0: f64(-1, -0.5) },
    { problem: { gamma: 2, etaU: 0.5, etaW: 2, m2: 1, a: -3 }, u0: f64(0.5), w0: f64(1) },
  ];
  for (const c of cases) {
    const init = prepareInit(c.problem, c.u0, c.w0);
    const tr = closedForm(c.problem, init, TIMES, { weights: true });
    assert.equal(tr.status, "saddle");
    assertFinite(tr, "saddle");
    assert.equal(tr.g[TIMES.length - 1], 0);
    assert.equal(tr.k[TIMES.length - 1], 0);
    assert.equal(tr.kInf, 0);
    for (const u of tr.u!) for (const x of u) assert.ok(Number.isFinite(x));
    // Up to t = 10 only: later the integrator's rounding can push g across the half-stable
    // point g = 0 of the reduced ODE (K_c = 0 there), which the exact flow never crosses.
    const ode = reducedOde(c.problem, init, TIMES.slice(0, 7), { rtol: 1e-12 });
    const err = maxAbsDiff(tr.g.slice(0, 7), ode.g);
    assert.ok(err < 1e-10, `saddle vs ODE ${err}`);
    assert.ok(Math.abs(tr.g[7]) < 1e-3 && Math.abs(tr.g[7]) > 0, "g decays toward 0");
    assert.equal(timeToReach(tr.frame, c.problem.a / 2), null);
  }
});

Deno.test("closedForm() handles the origin and the algebraic case a = 0, A·B = 0", () => {
  const p0 = { gamma: 1, etaU: 1, etaW: 1, m2: 1, a: 1 };
  const origin = closedForm(p0, prepareInit(p0, f64(0, 0), f64(0, 0)), TIMES);
  assert.equal(origin.status, "saddle");
  assert.deepEqual(Array.from(origin.g), TIMES.map(() => 0));
  assert.deepEqual(Array.from(origin.k), TIMES.map(() => 0));
  const pa = { ...p0, a: 0 };
  assert.equal(closedForm(pa, prepareInit(pa, f64(0), f64(0)), [1]).status, "algebraic");
  const init = prepareInit(pa, f64(0.6, 0.8), f64(-0.6, -0.8));
  const tr = closedForm(pa, init, TIMES);
  assert.equal(tr.status, "algebraic");
  const gt = init.gammaTilde;
  for (let i = 0; i < TIMES.length; i++) {
    const g = init.g0 / (1 + 2 * gt * pa.m2 * Math.abs(init.g0) * TIMES[i]);
    assert.ok(Math.abs(tr.g[i] - g) <= 1e-15 * Math.abs(init.g0), `t=${TIMES[i]}`);
    assert.ok(Math.abs(tr.k[i] - 2 * gt * Math.abs(g)) <= 1e-14, `K at t=${TIMES[i]}`);
  }
  // timeToReach() inverts the algebraic decay g0 / (1 + 2γ̃m2|g0|t) as well
  const f = closedFormFrame(pa, init);
  assert.equal(f.kind, "algebraic");
  for (const frac of [0.3, 0.5, 0.9]) {
    const target = init.g0 * (1 - frac);
    const t = timeToReach(f, target)!;
    const expected = (init.g0 / target - 1) / (2 * gt * pa.m2 * Math.abs(init.g0));
    assert.ok(Math.abs(t - expected) <= 1e-12 * expected, `frac ${frac}: ${t} vs ${expected}`);
    assert.ok(Math.abs(closedForm(pa, init, [t]).g[0] - target) <= 1e-14, `frac ${frac}`);
  }
  assert.equal(timeToReach(f, 0), null); // reached only as t → ∞
});

Deno.test("closedForm() stays put when g0 = a and is finite at every time for a = 0", () => {
  const p = { gamma: 1, etaU: 1, etaW: 1, m2: 1, a: 1 };
  const tr = closedForm(p, prepareInit(p, f64(1), f64(1)), TIMES);
  for (let i = 0; i < TIMES.length; i++) assert.equal(tr.g[i], 1);
  const p0 = { ...p, a: 0 };
  const init = prepareInit(p0, f64(1, 0.2), f64(0.3, 1));
  const t0 = closedForm(p0, init, TIMES);
  assertFinite(t0, "a=0");
  const ode = reducedOde(p0, init, TIMES.slice(0, 9));
  assert.ok(maxAbsDiff(t0.g.slice(0, 9), ode.g) < 1e-11);
});

Deno.test("closedForm() is accurate for nearly aligned weights (B² ~ 1e-20) and for R ≈ 1", () => {
  const rng = createRng(99);
  const u0 = rng.fillNormal(new Float64Array(5));
  const w0 = u0.map((x) => x + 1e-10 * rng.normal());
  const anti = u0.map((x) => -1e3 * x + 1e-7 * rng.normal());
  const cases = [
    { problem: { gamma: 0.5, etaU: 1, etaW: 1, m2: 1, a: 0.3 }, u0, w0 },
    { problem: { gamma: 0.5, etaU: 1, etaW: 1, m2: 1, a: -0.3 }, u0, w0 },
    { problem: { gamma: 1, etaU: 1, etaW: 1, m2: 1, a: 1 }, u0: u0.map((x) => 1e3 * x), w0: anti },
  ];
  for (const c of cases) {
    const init = prepareInit(c.problem, c.u0, c.w0);
    const times = spanningTimes(c.problem, init);
    const tr = closedForm(c.problem, init, times);
    const ode = reducedOde(c.problem, init, times, { rtol: 1e-13 });
    const scale = Math.max(Math.abs(c.problem.a), Math.abs(init.g0));
    assert.ok(
      maxAbsDiff(tr.g, ode.g) / scale < 1e-10,
      `g error ${maxAbsDiff(tr.g, ode.g) / scale}`,
    );
    assertFinite(tr, "near-degenerate");
  }
  // R = 1 − 2Δ/N must not be rounded to 1: the third case has 1 − R ≈ 1e-6.
  const init = prepareInit(cases[2].problem, cases[2].u0, cases[2].w0);
  const f = closedFormFrame(cases[2].problem, init);
  assert.ok(Math.exp(f.log2DN) < 1e-5 && Math.exp(f.logR) < 1);
});

Deno.test("timeToReach() inverts closedForm() for every intermediate output", () => {
  const problems = [
    { gamma: 0.3, etaU: 1, etaW: 4, m2: 1, a: 1 },
    { gamma: 0.3, etaU: 1, etaW: 4, m2: 1, a: -1 },
  ];
  const inits = [[f64(1e-3, 2e-3), f64(-1e-3, 1e-3)], [f64(3, 1), f64(2, 0.5)], [
    f64(-2, 1),
    f64(2, 0),
  ]];
  for (const problem of problems) {
    for (const [u0, w0] of inits) {
      const init = prepareInit(problem, u0, w0);
      const f = closedFormFrame(problem, init);
      for (const frac of [0.001, 0.3, 0.5, 0.9, 0.999999]) {
        const target = init.g0 + frac * (f.gInf - init.g0);
        const t = timeToReach(f, target);
        assert.ok(t !== null && t > 0);
        const g = closedForm(problem, init, [t]).g[0];
        const scale = Math.max(1, Math.abs(init.g0));
        assert.ok(Math.abs(g - target) < 1e-12 * scale, `${target} reached ${g}`);
      }
      assert.equal(timeToReach(f, f.gInf + (f.gInf - init.g0)), null);
    }
  }
});
