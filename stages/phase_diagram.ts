/** `phase-diagram`: the finite-width map, the infinite-width (q, b) diagram and ζ(∞) vs β (SPEC 4). */
import { defineStage, type Stage } from "../pipeline/mod.ts";
import { exponentMap, phaseGrid, zetaVsBeta } from "../models/linear/phase_maps.ts";
import { figureFiles } from "./_figure_files.ts";
import { byScale } from "./_scale.ts";
import { finitePhaseSpec, infinitePhaseSpec, zetaVsBetaSpec } from "./figures/phase.ts";
import { writeSummary } from "./_collect.ts";

type Params = {
  log10RhoA: [number, number, number];
  rho0Steps: number;
  q: [number, number, number];
  b: [number, number, number];
  widths: number[];
  beta: [number, number, number];
  uu: number;
  ww: number;
};

/** Evenly spaced values from `lo` to `hi` in `n` points, rounded to 6 decimals. */
function grid([lo, hi, n]: [number, number, number]): number[] {
  return Array.from(
    { length: n },
    (_, i) => Math.round((lo + (hi - lo) * i / (n - 1)) * 1e6) / 1e6,
  );
}

export function phaseDiagramStage(scale: string): Stage<Params> {
  const preset = byScale(scale, {
    smoke: {
      log10RhoA: [-2, 2, 9] as Params["log10RhoA"],
      rho0Steps: 6,
      q: [-0.5, 1.5, 5] as Params["q"],
      b: [-0.5, 1.5, 5] as Params["b"],
    },
    default: {
      log10RhoA: [-2, 2, 41] as Params["log10RhoA"],
      rho0Steps: 21,
      q: [-0.5, 1.5, 17] as Params["q"],
      b: [-0.5, 1.5, 17] as Params["b"],
    },
  });
  return defineStage({
    id: "phase-diagram",
    module: import.meta.url,
    params: { ...preset, widths: [1e4, 1e5, 1e6], beta: [-3, 3, 25], uu: 1, ww: 4 },
    resources: { threads: 1, memoryMiB: 256 },
    publish: figureFiles("phase_finite_width", "phase_infinite_width", "zeta_vs_beta"),
    description: "phase diagrams of the solvable model and the learning-rate-ratio sweep",
    run: async (ctx) => {
      const p = ctx.params;
      const lr = grid(p.log10RhoA);
      const rho0 = grid([0, 1, p.rho0Steps]);
      // each cell spans half a grid step either side of its point
      const [hx, hy] = [(lr[1] - lr[0]) / 2, (rho0[1] - rho0[0]) / 2];
      const cells = phaseGrid(lr, rho0).map((c) => ({
        kind: "cell",
        log10_rho_a: c.log10RhoA,
        rho_0: c.rho0,
        zeta_signed: c.zetaSigned,
        zeta_signed_closed_form: c.zetaSignedClosedForm,
        mechanism: c.label,
        x0: c.log10RhoA - hx,
        x1: c.log10RhoA + hx,
        y0: Math.max(0, c.rho0 - hy),
        y1: c.rho0 + hy,
      }));
      // ρ_a = ρ_0 (ζ_s = 0) exactly: ρ_0 = 10^{log10 ρ_a}, sampled finely where it is in the map
      const top = Math.log10(rho0[rho0.length - 1]);
      const contour = grid([lr[0], Math.min(top, lr[lr.length - 1]), 201]).map((l) => ({
        kind: "contour",
        log10_rho_a: l,
        rho_0: 10 ** l,
      }));
      const qs = grid(p.q), bs = grid(p.b);
      const expo = exponentMap(qs, bs, p.widths).map((c) => ({
        kind: "cell",
        q: c.q,
        b: c.b,
        lr_exponent: c.c,
        predicted_exponent: c.zetaExponent,
        measured_exponent: c.measuredExponent,
        phase: c.phase,
      }));
      const boundary = qs.filter((q) => bs.includes(Math.round((1 - q) * 1e6) / 1e6))
        .map((q) => ({ kind: "boundary", q, b: Math.round((1 - q) * 1e6) / 1e6 }));
      // the grid plus β* itself, so that the sampled maximum can sit exactly at the prediction
      const betas = [...grid(p.beta).map((e) => 10 ** e), p.ww / p.uu].sort((x, y) => x - y);
      const sweep = zetaVsBeta({ gamma: 1, gram: { uu: p.uu, ww: p.ww, uw: 0 }, a: 1, betas });
      const betaRows = sweep.map((r) => ({
        beta: r.beta,
        beta_star: r.betaStar,
        zeta: r.zeta,
        rho_a: r.rhoA,
      }));
      const { writeFigure } = await import("./figures/_vega.ts");
      const dir = `${ctx.outDir}/figures`;
      await writeFigure(dir, {
        name: "phase_finite_width",
        spec: finitePhaseSpec(),
        rows: [...cells, ...contour],
      });
      await writeFigure(dir, {
        name: "phase_infinite_width",
        spec: infinitePhaseSpec(),
        rows: [...expo, ...boundary],
      });
      await writeFigure(dir, {
        name: "zeta_vs_beta",
        spec: zetaVsBetaSpec(p.ww / p.uu),
        rows: betaRows,
      });
      const worst = Math.max(
        ...expo.map((c) => Math.abs(c.measured_exponent - c.predicted_exponent)),
      );
      const peak = sweep.reduce((a, b) => (b.zeta > a.zeta ? b : a));
      await writeSummary(ctx.outDir, {
        exponentMaxAbsError: worst,
        betaAtMaxZeta: peak.beta,
        betaStar: p.ww / p.uu,
      });
    },
  });
}
