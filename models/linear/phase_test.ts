import assert from "node:assert/strict";
import { fitWidthSlopes, zetaVsWidth } from "./phase.ts";
import { exponentMap, phaseGrid, scalingExponents, zetaVsBeta } from "./phase_maps.ts";
import { fitLine, fitLogLog } from "./fit.ts";
import { zetaSignedFromRho } from "./measures.ts";
import { parametrisation, PARAMETRISATION_NAMES } from "./parametrisations.ts";
import { sampleInit } from "./init.ts";
import { convergedState } from "./invariants.ts";
import { prepareInit } from "./problem.ts";
import { createRng } from "../rng.ts";

const WIDTHS = [100, 200, 500, 1000, 2000, 5000, 10_000];

Deno.test("fitWidthSlopes() ζ(∞) slopes are 0, −1, −2 within 0.05 for the named parametrisations", () => {
  const slopes = fitWidthSlopes(zetaVsWidth({ widths: WIDTHS }));
  assert.equal(slopes.length, PARAMETRISATION_NAMES.length);
  for (const s of slopes) {
    assert.equal(s.variant, "expected");
    assert.ok(Math.abs(s.slope - s.expectedSlope) < 0.05, `${s.name}: slope ${s.slope}`);
  }
  const byName = Object.fromEntries(slopes.map((s) => [s.name, s.expectedSlope]));
  assert.deepEqual(byName, {
    ntk: -1,
    meanField: 0,
    kaiming: -2,
    kaimingPlus: 0,
    xavier: -2,
    xavierPlus: 0,
    muP: 0,
  });
});

Deno.test("zetaVsWidth() pairs coincide at d = 100 and feature members exceed kernel members at 1e4", () => {
  const recs = zetaVsWidth({ widths: [100, 10_000] });
  const z = (name: string, d: number) => recs.find((r) => r.name === name && r.d === d)!.zeta;
  for (
    const [kernel, feature] of [["ntk", "meanField"], ["kaiming", "kaimingPlus"], [
      "xavier",
      "xavierPlus",
    ]]
  ) {
    assert.ok(Math.abs(z(kernel, 100) / z(feature, 100) - 1) < 1e-12, `${kernel} vs ${feature}`);
    assert.ok(z(feature, 10_000) > 10 * z(kernel, 10_000), `${feature} at 1e4`);
  }
});

Deno.test("zetaVsWidth() random-init variant is seeded, and its mean slope is near the expected one", () => {
  const opts = {
    widths: [100, 1000, 10_000],
    names: ["ntk", "kaiming"] as const,
    seeds: [0, 1, 2, 3],
  };
  const a = zetaVsWidth(opts);
  assert.deepEqual(a, zetaVsWidth(opts));
  for (const s of fitWidthSlopes(a).filter((x) => x.variant === "random")) {
    // ζ_s(∞) ≈ (ρ_a² − ρ_0²)/2 with ρ_0² ∝ ξ²/d random: only the trend is tested, loosely.
    assert.ok(Math.abs(s.slope - s.expectedSlope) < 0.5, `${s.name}: ${s.slope}`);
  }
  // the random variant is fitted on the per-width mean over seeds, each seed drawn with
  // createRng(seed·1e6 + d) (u0 first, then w0)
  for (const name of opts.names) {
    const recs = a.filter((r) => r.name === name && r.variant === "random");
    const means = opts.widths.map((d) => {
      const zs = recs.filter((r) => r.d === d).map((r) => r.zeta);
      assert.equal(zs.length, opts.seeds.length);
      return zs.reduce((x, y) => x + y, 0) / zs.length;
    });
    const fit = fitLogLog(opts.widths, means);
    const slope = fitWidthSlopes(a).find((s) => s.name === name && s.variant === "random")!;
    assert.equal(slope.slope, fit.slope, name);
    assert.equal(slope.r2, fit.r2, name);
    for (const d of opts.widths) {
      for (const seed of opts.seeds) {
        const p = parametrisation(name, d);
        const { u0, w0 } = sampleInit(createRng(seed * 1_000_000 + d), d, p.sigmaU, p.sigmaW);
        const expected = Math.abs(
          convergedState(p.problem, prepareInit(p.problem, u0, w0)).zetaSignedInf,
        );
        const rec = recs.find((r) => r.d === d && r.seed === seed)!;
        assert.equal(rec.zeta, expected, `${name} d = ${d} seed ${seed}`);
      }
    }
  }
});

Deno.test("phaseGrid() formula √(1 + ρ_a² − ρ_0²) − 1 equals the closed-form ζ_s(∞) and signs match ρ_a vs ρ_0", () => {
  const cells = phaseGrid([-3, -1, -0.5, 0, 0.5, 2], [0, 0.1, 0.5, 0.9, 1]);
  assert.equal(cells.length, 30);
  for (const c of cells) {
    const tol = 1e-12 * Math.max(1, Math.abs(c.zetaSigned)) + 1e-15;
    assert.ok(
      Math.abs(c.zetaSigned - c.zetaSignedClosedForm) < tol + 1e-12 * Math.abs(c.zetaSigned),
      `${c.rhoA},${c.rho0}`,
    );
    assert.equal(Math.sign(c.zetaSigned), Math.sign(c.rhoA - c.rho0));
  }
  assert.equal(cells.find((c) => c.log10RhoA === -3 && c.rho0 === 0)!.label, "kernel");
  assert.equal(
    cells.find((c) => c.log10RhoA === 2 && c.rho0 === 0)!.label,
    "alignment-then-rescaling",
  );
  assert.ok(
    cells.find((c) => c.log10RhoA === -1 && c.rho0 === 0.9)!.label.includes("disalignment"),
  );
});

Deno.test("exponentMap() measured exponents of ζ(∞) follow 2e, 0 and e", () => {
  const cells = exponentMap([0, 0.25, 0.5, 1], [0, 0.5, 0.75, 1]);
  for (const c of cells) {
    assert.equal(c.e, c.q + c.b - 1);
    assert.equal(c.c, 2 * c.q + c.b - 1);
    assert.ok(
      Math.abs(c.measuredExponent - c.zetaExponent) < 0.05,
      `q=${c.q} b=${c.b}: ${c.measuredExponent}`,
    );
  }
  const s = scalingExponents({ q: 0, bu: 2, bw: 0, cu: -1, cw: 1 }); // μP: e = 0, K0 = Θ(1)
  assert.deepEqual([s.e, s.k0Exponent], [0, 0]);
  // unbalanced layers: the min and the max pick different terms (b_u − r/2 = 1 > b_w + r/2 = 0)
  const u = scalingExponents({ q: 0.5, bu: 1, bw: 0, cu: 0, cw: 0 });
  assert.deepEqual([u.e, u.k0Exponent, u.g0Exponent], [-0.5, 0, -0.5]);
  const w = scalingExponents({ q: 0.5, bu: 0, bw: 1, cu: 0, cw: 0 });
  assert.deepEqual([w.e, w.k0Exponent], [-0.5, 0]);
});

Deno.test("zetaVsBeta() ζ(∞) is largest at β* = |w0|²/|u0|²", () => {
  const betas = Array.from({ length: 141 }, (_, i) => 10 ** (-3 + i * 0.05));
  const recs = zetaVsBeta({ gamma: 0.5, gram: { uu: 1, ww: 4, uw: 0.3 }, a: 1, betas });
  const best = recs.reduce((x, y) => (y.zeta > x.zeta ? y : x));
  assert.equal(best.betaStar, 4);
  assert.ok(Math.abs(Math.log10(best.beta / 4)) <= 0.025, `argmax ${best.beta}`);
  assert.ok(Math.abs(best.balance - 1) < 1e-3);
  assert.ok(recs[0].zeta < 0.1 * best.zeta && recs[140].zeta < 0.1 * best.zeta);
});

Deno.test("fitLine() and fitLogLog() recover exact lines and reject bad input", () => {
  const f = fitLine([0, 1, 2, 3], [1, 3, 5, 7]);
  assert.deepEqual([f.slope, f.intercept, f.r2], [2, 1, 1]);
  // r² is the squared correlation: 0.25 for these points (|r| would be 0.5)
  assert.ok(Math.abs(fitLine([0, 1, 2], [0, 2, 1]).r2 - 0.25) < 1e-15);
  assert.ok(Math.abs(fitLine([0, 1, 2], [2, 0, 1]).r2 - 0.25) < 1e-15);
  assert.ok(Math.abs(fitLogLog([1, 10, 100], [3, 0.03, 0.0003]).slope + 2) < 1e-12);
  assert.throws(() => fitLogLog([1, 2], [1, 0]), /Expected positive values/);
  assert.throws(() => fitLine([1, 1], [1, 2]), /two distinct x values/);
});

Deno.test("zetaSignedFromRho() keeps relative accuracy for tiny ζ", () => {
  assert.equal(zetaSignedFromRho(1e-9, 0), 5e-19);
  assert.equal(zetaSignedFromRho(0.5, 0.5), 0);
});
