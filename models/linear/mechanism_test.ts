import assert from "node:assert/strict";
import { classifyMechanism, labelPath, samplesToPath } from "./mechanism.ts";
import { closedForm } from "./trajectory.ts";
import { convergedState } from "./invariants.ts";
import { dimensionless } from "./measures.ts";
import { gradientDescent, ratesForStep } from "./gd.ts";
import { prepareInit, prepareInitFromGram } from "./problem.ts";
import { makeCase, spanningTimes } from "./_testing.ts";

Deno.test("classifyMechanism() small init: alignment then rescaling, |cos θ| → 1, ζ_s(∞) ≈ ρ_a ≫ 1", () => {
  const c = makeCase(100, 1e-3, 1, 1, 41);
  const cs = convergedState(c.problem, c.init);
  const dl = dimensionless(c.init, c.problem.a);
  assert.ok(Math.abs(cs.cosThetaInf) > 0.999, `cos θ∞ ${cs.cosThetaInf}`);
  assert.ok(dl.rhoA > 1e3 && Math.abs(cs.zetaSignedInf / dl.rhoA - 1) < 1e-3);
  assert.equal(classifyMechanism(c.problem, c.init).label, "alignment-then-rescaling");
});

Deno.test("classifyMechanism() aligned large-output init: |cos θ| decreases and ζ_s(∞) < 0", () => {
  // Correlated (not exactly parallel) init with g0 = 5a and cos θ0 = 0.9.
  const problem = { gamma: 1, etaU: 1, etaW: 1, m2: 1, a: 1 };
  const cos0 = 0.9, n2 = 5 / cos0;
  const init = prepareInitFromGram(problem, { uu: n2, ww: n2, uw: 5 }, 2);
  const tr = closedForm(problem, init, spanningTimes(problem, init));
  for (let i = 1; i < tr.g.length; i++) assert.ok(tr.cosTheta[i] <= tr.cosTheta[i - 1] + 1e-15);
  assert.ok(tr.cosTheta[tr.g.length - 1] < 0.5);
  assert.ok(convergedState(problem, init).zetaSignedInf < -0.3);
  assert.equal(classifyMechanism(problem, init).label, "rescaling-then-disalignment");
});

Deno.test("classifyMechanism() d = 1: |cos θ| ≡ 1 and K = √(γ̃⁴c² + 4γ̃²g²) exactly (pure rescaling)", () => {
  for (
    const c of [makeCase(1, 1, 1, 1, 43), makeCase(1, 0.3, 10, -2, 44), makeCase(1, 2, 0.1, 1, 45)]
  ) {
    const times = spanningTimes(c.problem, c.init);
    const tr = closedForm(c.problem, c.init, times);
    const gt = c.init.gammaTilde, cc = c.init.p - c.init.q;
    for (let i = 0; i < times.length; i++) {
      assert.equal(Math.abs(tr.cosTheta[i]), 1);
      const k = Math.sqrt(gt ** 4 * cc * cc + 4 * gt * gt * tr.g[i] ** 2);
      assert.ok(Math.abs(tr.k[i] / k - 1) < 1e-13, `${c.name}: K ${tr.k[i]} vs ${k}`);
    }
    const label = classifyMechanism(c.problem, c.init);
    assert.ok(label.label === "rescaling" || label.label === "kernel", `${c.name}: ${label.label}`);
    assert.ok(!label.sequence.includes("alignment") && !label.sequence.includes("disalignment"));
  }
});

Deno.test("classifyMechanism() sign change runs disalignment then alignment", () => {
  const problem = { gamma: 1, etaU: 1, etaW: 1, m2: 1, a: 1 };
  const init = prepareInit(problem, Float64Array.of(1, 0.3), Float64Array.of(-0.5, 1));
  assert.ok(init.g0 < 0);
  assert.equal(classifyMechanism(problem, init).label, "disalignment-then-alignment");
});

Deno.test("classifyMechanism() kernel regime at width 1e4 (NTK scaling) and for unbalanced layers", () => {
  const c = makeCase(10_000, 1, 1, 1, 46);
  const lab = classifyMechanism(c.problem, c.init);
  assert.equal(lab.label, "kernel");
  assert.ok(lab.zetaMax < 1e-3);
  // A tiny output layer can rescale by O(1) while the NTK hardly moves: still kernel by ζ.
  const problem = { gamma: 1, etaU: 1, etaW: 1, m2: 1, a: 0.05 };
  const init = prepareInitFromGram(problem, { uu: 1e-4, ww: 100, uw: 0 }, 2);
  const un = classifyMechanism(problem, init);
  assert.equal(un.regime, "kernel");
  assert.ok(convergedState(problem, init).normUInf / 1e-2 > 1.1);
});

Deno.test("labelPath() on gradient-descent samples agrees with the exact label", () => {
  for (const c of [makeCase(100, 1e-3, 1, 1, 47), makeCase(3, 0.5, 0.1, -1, 48)]) {
    const cs = convergedState(c.problem, c.init);
    const problem = ratesForStep(c.problem, c.init.k0, cs.kInf, 0.01);
    const init = prepareInit(problem, c.u0, c.w0);
    const steps = Array.from({ length: 300 }, (_, i) => i * 20);
    const gd = gradientDescent(problem, c.u0, c.w0, steps);
    assert.equal(labelPath(samplesToPath(gd)).label, classifyMechanism(problem, init).label);
  }
});

Deno.test("labelPath() thresholds are honoured", () => {
  const path = [
    { g: 0.1, k: 1, cosTheta: 0.1, normProduct: 1 },
    { g: 0.2, k: 1.02, cosTheta: 0.13, normProduct: 1 },
  ];
  assert.equal(labelPath(path).label, "kernel");
  assert.deepEqual(labelPath(path, { zetaTol: 0.01, cosTol: 0.01 }).sequence, ["alignment"]);
  assert.throws(() => labelPath([]), /Expected at least one path point/);
});
