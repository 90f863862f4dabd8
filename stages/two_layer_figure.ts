/** `figure1` and `appendix-c`: collect the two-layer runs into figures and a summary. */
import { defineStage, type Stage } from "../pipeline/mod.ts";
import { figureFiles } from "./_figure_files.ts";
import type { RunParams } from "./_two_layer_train.ts";
import { LEGEND, widthPanelsSpec, zetaCurvesSpec } from "./figures/two_layer.ts";
import type { Experiment } from "./two_layer_runs.ts";
import { readRuns, writeSummary } from "./_collect.ts";

type Params = { experiment: Experiment };

export interface RunFile {
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
      const files = await readRuns<RunFile>(ctx.inputs);
      const dMax = Math.max(...files.map((f) => f.summary.width));
      const corrected = files.filter((f) => f.summary.table === "corrected");
      const groups = groupRuns(corrected);
      const atMax = groups.filter((g) => g[0].summary.width === dMax);
      // The literal table differs only where a literal run exists; elsewhere it is the same run.
      const literal = atMax.map((g) => {
        const lit = files.filter((f) =>
          f.summary.table === "literal" && f.summary.name === g[0].summary.name
        );
        return lit.length ? lit : g;
      });
      const seeds = [...new Set(corrected.map((f) => f.summary.initSeed))].sort((a, b) => a - b);
      const t = TEXT[experiment];
      const seedText = seeds.length > 1
        ? `lines: mean over ${seeds.length} initialisation seeds, bands: min-max over seeds`
        : `one initialisation seed`;
      const sub = (table: string) => [
        `Two-layer ReLU networks, width d = ${dMax}, ${t.what}, full-batch GD, ${table} table of SPEC 5.1.`,
        `ζ on a fixed probe set of 100 training points; ${seedText}.`,
        "Expected: the three kernel-regime parametrisations (dashed) stay orders of magnitude below the three feature-learning ones (solid).",
      ];
      const { writeFigure } = await import("./figures/_vega.ts");
      const dir = `${ctx.outDir}/figures`;
      await writeFigure(dir, {
        name: `${prefix}_zeta`,
        spec: zetaCurvesSpec(
          `${t.short}: evolution of ζ for the six parametrisations (d = ${dMax})`,
          sub("corrected"),
        ),
        rows: atMax.flatMap((g) => plotRows(g, "corrected")),
      });
      await writeFigure(dir, {
        name: `${prefix}_literal`,
        spec: zetaCurvesSpec(`${t.short} with the seed's literal (γ, η) table (d = ${dMax})`, [
          ...sub("literal").slice(0, 2),
          "Literal values differ for standard NTK (γ = 1/d) and Kaiming (η = 0.05·d/100), run once (seed 0);",
          "the other four are the corrected runs. Diverged runs are labelled with their step.",
        ]),
        rows: literal.flatMap((g) => plotRows(g, "literal")),
      });
      await writeFigure(dir, {
        name: `${prefix}_widths`,
        spec: widthPanelsSpec(`${t.short}: ζ(t) across widths`, [
          `Corrected table, widths ${
            [...new Set(corrected.map((f) => f.summary.width))].join(", ")
          }; ${seedText}.`,
          "Expected: feature-learning curves roughly width-independent, kernel curves falling with d.",
        ]),
        rows: groups.flatMap((g) => plotRows(g, "corrected")),
      });
      const summary = {
        seeds,
        runs: corrected.map((f) => ({
          parametrisation: f.summary.name,
          regime: f.summary.regime,
          d: f.summary.width,
          seed: f.summary.initSeed,
          zetaFinal: f.summary.zetaFinal,
          diverged: f.summary.diverged,
          lambda0: f.summary.lambda0,
        })),
        literal: literal.flat().map((f) => ({
          parametrisation: f.summary.name,
          table: f.summary.table,
          d: f.summary.width,
          seed: f.summary.initSeed,
          zetaFinal: f.summary.zetaFinal,
          diverged: f.summary.diverged,
          divergedAt: f.summary.divergedAt,
        })),
      };
      await writeSummary(ctx.outDir, summary);
    },
  });
}

type Row = Record<string, string | number | boolean | null>;

/** Runs grouped by (table, parametrisation, width), the seeds of one setting together. */
function groupRuns(files: RunFile[]): RunFile[][] {
  const groups = new Map<string, RunFile[]>();
  for (const f of files) {
    const k = `${f.summary.table}|${f.summary.name}|${f.summary.width}`;
    groups.set(k, [...groups.get(k) ?? [], f]);
  }
  return [...groups.values()];
}

/**
 * The plotted rows of one setting: per logged step the mean of ζ, ζ_s and the loss over the seeds
 * that did not diverge, with the min and max of ζ (the band); one "diverged" row per diverged seed.
 */
export function plotRows(group: RunFile[], table: string): Row[] {
  const s = group[0].summary;
  const name = LEGEND[s.name];
  const ok = group.filter((f) => !f.summary.diverged);
  const steps = [...new Set(ok.flatMap((f) => f.rows.map((r) => r.step)))].sort((a, b) => a - b);
  const base = { table, parametrisation: name, regime: s.regime, d: s.width };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rows: Row[] = steps.map((step) => {
    const at = ok.map((f) => f.rows.find((r) => r.step === step)).filter((r) => r !== undefined);
    const z = at.map((r) => r.zeta);
    const losses = at.map((r) => r.loss).filter((l): l is number => typeof l === "number");
    return {
      kind: "zeta",
      ...base,
      step,
      seeds: at.length,
      zeta: mean(z),
      zeta_min: Math.min(...z),
      zeta_max: Math.max(...z),
      zeta_signed: mean(at.map((r) => r.zeta_signed)),
      loss: losses.length ? mean(losses) : null,
      note: null,
    };
  });
  for (const f of group.filter((f) => f.summary.diverged)) {
    rows.push({
      kind: "diverged",
      ...base,
      step: f.summary.divergedAt,
      seeds: 1,
      zeta: null,
      zeta_min: null,
      zeta_max: null,
      zeta_signed: null,
      loss: null,
      note: `${name}: diverged at step ${f.summary.divergedAt}` +
        (group.length > 1 ? ` (seed ${f.summary.initSeed})` : ""),
    });
  }
  return rows;
}
