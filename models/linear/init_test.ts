import assert from "node:assert/strict";
import { createRng } from "../rng.ts";
import { expectedGram, initStatistics, sampleInit, vectorsFromGram } from "./init.ts";
import { parametrisation, PARAMETRISATION_NAMES } from "./parametrisations.ts";
import { gramDeterminant, prepareInit, prepareInitFromGram } from "./problem.ts";
import { dimensionless } from "./measures.ts";

Deno.test("sampleInit() matches the statistics of SPEC 2.8 at width 1e4", () => {
  const problem = { gamma: 0.01, etaU: 0.5, etaW: 2, m2: 1, a: 1 };
  const { u0, w0 } = sampleInit(createRng(5), 10_000, 0.7, 1.3);
  const init = prepareInit(problem, u0, w0);
  const st = initStatistics(problem, 10_000, 0.7, 1.3);
  assert.ok(Math.abs(init.k0 / st.k0 - 1) < 0.05, `K0 ${init.k0} vs ${st.k0}`);
  const xi = init.g0 / (problem.gamma * 100 * 0.7 * 1.3); // g0 = γ √d σ_u σ_w ξ
  assert.ok(Math.abs(xi) < 4, `ξ = ${xi}`);
  assert.ok(Math.abs(st.gammaTilde - 0.01) < 1e-15);
});

Deno.test("expectedGram() and vectorsFromGram() build vectors with the requested Gram summary", () => {
  for (const [d, xi] of [[1, 0], [1, -0.5], [2, 1], [100, -2.5]]) {
    const gram = expectedGram(d, 0.5, 2, xi);
    const { u0, w0 } = vectorsFromGram(gram, d);
    let uu = 0, ww = 0, uw = 0;
    for (let i = 0; i < d; i++) {
      uu += u0[i] ** 2;
      ww += w0[i] ** 2;
      uw += u0[i] * w0[i];
    }
    assert.ok(Math.abs(uu - gram.uu) < 1e-12 && Math.abs(ww - gram.ww) < 1e-12, `d=${d}`);
    assert.ok(Math.abs(uw - gram.uw) < 1e-12, `d=${d}`);
  }
  assert.equal(expectedGram(1, 1, 1, -0.1).uw, -1);
});

Deno.test("prepareInitFromGram() agrees with prepareInit() on the same weights", () => {
  const problem = { gamma: 0.3, etaU: 0.2, etaW: 5, m2: 1, a: 1 };
  const { u0, w0 } = sampleInit(createRng(6), 7, 1, 0.4);
  const a = prepareInit(problem, u0, w0);
  let uu = 0, ww = 0, uw = 0;
  for (let i = 0; i < 7; i++) {
    uu += u0[i] ** 2;
    ww += w0[i] ** 2;
    uw += u0[i] * w0[i];
  }
  const b = prepareInitFromGram(problem, { uu, ww, uw }, 7);
  for (const k of ["p", "q", "s", "a2", "b2", "j2", "g0", "k0"] as const) {
    assert.ok(Math.abs(a[k] - b[k]) < 1e-12 * Math.max(1, Math.abs(a[k])), k);
  }
  assert.throws(() => prepareInitFromGram(problem, { uu: 1, ww: 1, uw: 2 }), /Cauchy-Schwarz/);
  assert.throws(
    () => prepareInit({ ...problem, gamma: 0 }, u0, w0),
    /"gamma" to be a finite positive/,
  );
  assert.throws(() => prepareInit(problem, u0, w0.slice(1)), /equal length/);
});

Deno.test("gramDeterminant() keeps relative accuracy for nearly parallel vectors", () => {
  const x = Float64Array.of(1, 2, 3);
  const y = Float64Array.of(1, 2, 3 + 1e-9);
  // Exact: |x|²|y|² − (x·y)² = |x × y|² = (2e-9)² + (1e-9)² = 5e-18.
  assert.ok(Math.abs(gramDeterminant(x, y) / 5e-18 - 1) < 1e-6);
  assert.equal(gramDeterminant(Float64Array.of(2), Float64Array.of(3)), 0);
});

Deno.test("parametrisation() keeps K0 = Θ(1) in d and matches the dimensionless numbers", () => {
  for (const name of PARAMETRISATION_NAMES) {
    const k0s = [100, 10_000, 1_000_000].map((d) => {
      const p = parametrisation(name, d);
      return prepareInitFromGram(p.problem, expectedGram(d, p.sigmaU, p.sigmaW), d).k0;
    });
    assert.ok(k0s[2] / k0s[0] < 3 && k0s[0] / k0s[2] < 3, `${name}: K0 ${k0s}`);
  }
  const ntk = parametrisation("ntk", 400);
  const init = prepareInitFromGram(ntk.problem, expectedGram(400, 1, 1), 400);
  assert.ok(Math.abs(dimensionless(init, 1).rhoA - 1 / 20) < 1e-15); // ρ_a = d^{-1/2}
});
