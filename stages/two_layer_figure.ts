/** `figure1` and `appendix-c`: collect the two-layer runs into figures and a summary. */
import { defineStage, type Stage } from "../pipeline/mod.ts";
import { figureFiles } from "./_figure_files.ts";
import type { RunParams } from "./_two_layer_train.ts";
import { LEGEND, widthPanelsSpec, zetaCurvesSpec } from "./figures/two_layer.ts";
import type { Experiment } from "./two_layer_runs.ts";

type Params = { experiment: Experiment };

interface RunFile {
  summary: RunParams & {
    regime: string;
    diverged: boolean;
    divergedAt: number | null;
    zetaFinal: number | null;
    gamma: number;
    lr: number;
    lambda0: number;
  };
  rows: { step: number; zeta: number; zeta_signed: number; loss: number | null }[];
}

const TEXT = {
  figure1: { what: "regression (y = tanh(x·v), ½·MSE)", short: "Figure 1" },
  "appendix-c": { what: "10-class classification (softmax cross-entropy)", short: "Appendix C" },
};

export function twoLayerFigureStage(
  experiment: Experiment,
  runs: Stage<RunParams>[],
): Stage<Params> {
  const prefix = experiment === "figure1" ? "figure1" : "appendix_c";
  return defineStage({
    id: experiment,
    module: import.meta.url,
    params: { experiment },
    inputs: Object.fromEntries(runs.map((r) => [r.id, r])),
    resources: { threads: 1, memoryMiB: 512 },
    publish: figureFiles(`${prefix}_zeta`, `${prefix}_literal`, `${prefix}_widths`),
    description:
      `${experiment}: ζ(t) of the six parametrisations, corrected and literal tables, widths`,
    run: async (ctx) => {
      const files: RunFile[] = [];
      for (const dir of Object.values(ctx.inputs)) {
        files.push(JSON.parse(await Deno.readTextFile(`${dir}/run.json`)));
      }
      const dMax = Math.max(...files.map((f) => f.summary.width));
      const rowsOf = (f: RunFile, table: string) => [
        ...f.rows.map((r) => ({
          kind: "zeta",
          table,
          parametrisation: LEGEND[f.summary.name],
          regime: f.summary.regime,
          d: f.summary.width,
          step: r.step,
          zeta: r.zeta,
          zeta_signed: r.zeta_signed,
          loss: r.loss,
          note: null as string | null,
        })),
        ...(f.summary.diverged
          ? [{
            kind: "diverged",
            table,
            parametrisation: LEGEND[f.summary.name],
            regime: f.summary.regime,
            d: f.summary.width,
            step: f.summary.divergedAt!,
            zeta: null,
            zeta_signed: null,
            loss: null,
            note: `${LEGEND[f.summary.name]}: diverged at step ${f.summary.divergedAt}`,
          }]
          : []),
      ];
      const corrected = files.filter((f) => f.summary.table === "corrected");
      const atMax = corrected.filter((f) => f.summary.width === dMax);
      // The literal table differs only where a literal run exists; elsewhere it is the same run.
      const literal = atMax.map((f) =>
        files.find((g) => g.summary.table === "literal" && g.summary.name === f.summary.name) ?? f
      );
      const t = TEXT[experiment];
      const sub = (table: string) => [
        `Two-layer ReLU networks, width d = ${dMax}, ${t.what}, full-batch GD, ${table} table of SPEC 5.1.`,
        "ζ on a fixed probe set of 100 training points. Expected: the three kernel-regime parametrisations",
        "(dashed) stay orders of magnitude below the three feature-learning ones (solid).",
      ];
      const { writeFigure } = await import("./figures/_vega.ts");
      const dir = `${ctx.outDir}/figures`;
      await writeFigure(dir, {
        name: `${prefix}_zeta`,
        spec: zetaCurvesSpec(
          `${t.short}: evolution of ζ for the six parametrisations (d = ${dMax})`,
          sub("corrected"),
        ),
        rows: atMax.flatMap((f) => rowsOf(f, "corrected")),
      });
      await writeFigure(dir, {
        name: `${prefix}_literal`,
        spec: zetaCurvesSpec(`${t.short} with the seed's literal (γ, η) table (d = ${dMax})`, [
          ...sub("literal").slice(0, 2),
          "Literal values differ for standard NTK (γ = 1/d) and Kaiming (η = 0.05·d/100); diverged runs are labelled.",
        ]),
        rows: literal.flatMap((f) => rowsOf(f, "literal")),
      });
      await writeFigure(dir, {
        name: `${prefix}_widths`,
        spec: widthPanelsSpec(`${t.short}: ζ(t) across widths`, [
          `Corrected table, widths ${
            [...new Set(corrected.map((f) => f.summary.width))].join(", ")
          }.`,
          "Expected: feature-learning curves roughly width-independent, kernel curves falling with d.",
        ]),
        rows: corrected.flatMap((f) => rowsOf(f, "corrected")),
      });
      const summary = {
        runs: corrected.map((f) => ({
          parametrisation: f.summary.name,
          regime: f.summary.regime,
          d: f.summary.width,
          zetaFinal: f.summary.zetaFinal,
          diverged: f.summary.diverged,
          lambda0: f.summary.lambda0,
        })),
        literal: literal.map((f) => ({
          parametrisation: f.summary.name,
          table: f.summary.table,
          d: f.summary.width,
          zetaFinal: f.summary.zetaFinal,
          diverged: f.summary.diverged,
          divergedAt: f.summary.divergedAt,
        })),
      };
      await Deno.writeTextFile(
        `${ctx.outDir}/summary.json`,
        JSON.stringify(summary, null, 2) + "\n",
      );
    },
  });
}
