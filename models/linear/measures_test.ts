import assert from "node:assert/strict";
import { dimensionless, zetaSeries, zetaSignedFromRho } from "./measures.ts";
import { convergedState } from "./invariants.ts";
import { closedForm } from "./trajectory.ts";
import { makeCase, spanningTimes } from "./_testing.ts";
import { prepareInit } from "./problem.ts";

const CASES = [
  makeCase(3, 0.5, 0.1, -1, 51),
  makeCase(100, 1e-2, 3, 1, 52),
  makeCase(100, 1, 1, 1, 53, "aligned"),
  makeCase(10_000, 1, 1, 1, 54),
];

Deno.test("dimensionless() ρ_0 = b·|cos θ0| and ζ_s(∞) = √(1 + ρ_a² − ρ_0²) − 1 matches the flow", () => {
  for (const c of CASES) {
    const dl = dimensionless(c.init, c.problem.a);
    assert.ok(Math.abs(dl.rho0 - dl.balance * dl.absCosTheta0) < 1e-14, c.name);
    assert.ok(dl.balance <= 1 && dl.rho0 <= 1);
    const cs = convergedState(c.problem, c.init);
    const zs = zetaSignedFromRho(dl.rhoA, dl.rho0);
    assert.ok(
      Math.abs(zs / cs.zetaSignedInf - 1) < 1e-12,
      `${c.name}: ${zs} vs ${cs.zetaSignedInf}`,
    );
    const kRatio = cs.kInf / c.init.k0 - 1;
    assert.ok(Math.abs(kRatio - zs) < 1e-12 * Math.max(1, Math.abs(zs)), c.name);
  }
});

Deno.test("zetaSeries() equals K(t)/K0 − 1 and keeps accuracy in the kernel regime", () => {
  for (const c of CASES) {
    const tr = closedForm(c.problem, c.init, spanningTimes(c.problem, c.init));
    const z = zetaSeries(c.init, tr.g, tr.k);
    for (let i = 0; i < tr.g.length; i++) {
      const direct = tr.k[i] / c.init.k0 - 1;
      assert.ok(Math.abs(z.signed[i] - direct) < 1e-12 * Math.max(1, tr.k[i] / c.init.k0), c.name);
      assert.equal(z.unsigned[i], Math.abs(z.signed[i]));
    }
    assert.ok(Math.abs(z.signed[0]) < 1e-14);
  }
  // Kernel regime at width 1e4: ζ_s(∞) ≈ (ρ_a² − ρ_0²)/2 ~ 1e-4, far below the initial step.
  const c = CASES[3];
  const last = zetaSeries(c.init, [c.problem.a], [convergedState(c.problem, c.init).kInf]);
  const dl = dimensionless(c.init, c.problem.a);
  assert.ok(Math.abs(last.signed[0] / ((dl.rhoA ** 2 - dl.rho0 ** 2) / 2) - 1) < 1e-3);
});

Deno.test("dimensionless() of a zero initialisation: ρ_a infinite, ρ_0, balance and |cos θ0| 0", () => {
  const problem = { gamma: 1, etaU: 1, etaW: 2, m2: 1, a: 1 };
  const zero = prepareInit(problem, new Float64Array(3), new Float64Array(3));
  assert.deepEqual(dimensionless(zero, 1), {
    rhoA: Infinity,
    rho0: 0,
    balance: 0,
    absCosTheta0: 0,
  });
  // one layer zero: K0 > 0 but the layers are as unbalanced as they can be
  const half = prepareInit(problem, Float64Array.of(1, 0, 0), new Float64Array(3));
  const d = dimensionless(half, 1);
  assert.equal(d.balance, 0);
  assert.equal(d.rho0, 0);
  // b = 2√(η_uη_w)|u0||w0|/(η_u|w0|² + η_w|u0|²) = 2√2·2/(4 + 2) for |u0| = 1, |w0| = 2
  const both = prepareInit(problem, Float64Array.of(1, 0, 0), Float64Array.of(0, 2, 0));
  assert.ok(Math.abs(dimensionless(both, 1).balance - 4 * Math.SQRT2 / 6) < 1e-15);
});
