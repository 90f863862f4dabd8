/** `zeta-vs-width`: ζ(∞) against width for the named parametrisations (SPEC 4.4, claim 4). */
import { defineStage, type Stage } from "../pipeline/mod.ts";
import type { ParametrisationName } from "../models/linear/parametrisations.ts";
import { fitWidthSlopes, zetaVsWidth } from "../models/linear/phase.ts";
import { figureFiles } from "./_figure_files.ts";
import { byScale } from "./_scale.ts";
import { zetaVsWidthSpec } from "./figures/theory.ts";

type Params = {
  dMin: number;
  dMax: number;
  points: number;
  seeds: number[];
  eta0: number;
  dRef: number;
};

const LABEL: Record<ParametrisationName, string> = {
  ntk: "NTK",
  meanField: "mean-field",
  kaiming: "Kaiming",
  kaimingPlus: "Kaiming+",
  xavier: "Xavier",
  xavierPlus: "Xavier+",
  muP: "μP",
};

export function zetaVsWidthStage(scale: string): Stage<Params> {
  const preset = byScale(scale, {
    smoke: { points: 5, seeds: [0] },
    default: { points: 13, seeds: [0, 1, 2] },
  });
  return defineStage({
    id: "zeta-vs-width",
    module: import.meta.url,
    params: { dMin: 100, dMax: 10000, eta0: 0.05, dRef: 100, ...preset },
    resources: { threads: 1, memoryMiB: 256 },
    publish: figureFiles("zeta_vs_width"),
    description: "ζ(∞) vs width d, log-log, fitted slopes against the predicted 0, −1, −2",
    run: async (ctx) => {
      const { dMin, dMax, points, seeds, eta0, dRef } = ctx.params;
      const widths = Array.from(
        { length: points },
        (_, i) => Math.round(dMin * (dMax / dMin) ** (i / (points - 1))),
      );
      const records = zetaVsWidth({ widths, seeds, parametrisation: { eta0, dRef } });
      const slopes = fitWidthSlopes(records, dMin, dMax);
      const fitted = (name: ParametrisationName) =>
        slopes.find((s) => s.name === name && s.variant === "expected")!;
      const legend = (name: ParametrisationName) =>
        `${LABEL[name]} (${(fitted(name).slope + 0).toFixed(2).replace(/^-0\.00$/, "0.00")}; ${
          fitted(name).expectedSlope
        })`;
      const rows = [];
      for (const r of records.filter((r) => r.variant === "expected")) {
        rows.push({
          name: r.name,
          legend: legend(r.name),
          variant: "expected",
          d: r.d,
          zeta: r.zeta,
          zeta_signed: r.zetaSigned,
          rho_a: r.rhoA,
          rho_0: r.rho0,
        });
      }
      for (const name of new Set(records.map((r) => r.name))) {
        const at = (d: number) =>
          records.filter((r) => r.name === name && r.variant === "random" && r.d === d);
        for (const d of widths) {
          const rs = at(d);
          if (rs.length === 0) continue;
          const zeta = rs.reduce((s, r) => s + r.zeta, 0) / rs.length;
          rows.push({
            name,
            legend: legend(name),
            variant: "random mean",
            d,
            zeta,
            zeta_signed: null,
            rho_a: null,
            rho_0: null,
          });
        }
        const start = records.find((r) =>
          r.name === name && r.variant === "expected" && r.d === widths[0]
        )!;
        for (const d of [widths[0], widths[widths.length - 1]]) {
          const zeta = start.zeta * (d / widths[0]) ** fitted(name).expectedSlope;
          rows.push({
            name,
            legend: legend(name),
            variant: "predicted",
            d,
            zeta,
            zeta_signed: null,
            rho_a: null,
            rho_0: null,
          });
        }
      }
      const { writeFigure } = await import("./figures/_vega.ts");
      await writeFigure(`${ctx.outDir}/figures`, {
        name: "zeta_vs_width",
        spec: zetaVsWidthSpec(),
        rows,
      });
      await Deno.writeTextFile(
        `${ctx.outDir}/slopes.json`,
        JSON.stringify({ widths, slopes }, null, 2) + "\n",
      );
    },
  });
}
