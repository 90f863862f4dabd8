import assert from "node:assert/strict";
import { dimensionless, zetaSeries, zetaSignedFromRho } from "./measures.ts";
import { convergedState } from "./invariants.ts";
import { closedForm } from "./trajectory.ts";
import { makeCase, spanningTimes } from "./_testing.ts";

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
