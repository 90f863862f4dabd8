/**
 * Figure 1 and Appendix C (SPEC 5.1, 5.2): one stage per two-layer training run, so a sweep reruns
 * only the runs whose settings changed. The collectors (two_layer_figure.ts) live apart, so editing
 * a plot does not rerun training. Seeds vary the initialisation; the task (data) stays fixed.
 */
import { defineStage, type Stage } from "../pipeline/mod.ts";
import type { RunParams } from "./_two_layer_train.ts";
import { TWO_LAYER_NAMES } from "../models/init/two_layer_table.ts";

/** The literal (seed) table differs from the corrected one only for these two. */
const LITERAL_DIFFERS = ["ntk", "kaiming"] as const;

export type Experiment = "figure1" | "appendix-c";

/** One training run of an experiment as a stage. */
export function twoLayerRunStage(experiment: Experiment, params: RunParams): Stage<RunParams> {
  const prefix = experiment === "figure1" ? "fig1" : "appc";
  return defineStage({
    id:
      `${prefix}-${params.table}-${params.name.toLowerCase()}-d${params.width}-seed${params.initSeed}`,
    module: import.meta.url,
    params,
    resources: { threads: 2, memoryMiB: 2048 },
    description:
      `${experiment}: ${params.table} ${params.name}, width ${params.width}, seed ${params.initSeed}, ${params.steps} GD steps`,
    run: async (ctx) => (await import("./_two_layer_train.ts")).runTwoLayer(ctx),
  });
}

/**
 * What an experiment runs at a scale: every initialisation at each width and seed, for this many
 * GD steps. The grids are in stages/_grids.ts, outside this module's code, so that adding a width
 * or a seed adds stages without giving the runs there were new keys.
 */
export interface TwoLayerGrid {
  readonly widths: readonly number[];
  readonly seeds: readonly number[];
  readonly steps: number;
  readonly logEvery: number;
}

/**
 * Every run of an experiment: all six at every width and seed (corrected table), and the literal
 * table once (seed 0) at the largest width, as SPEC 7 asks ("run the seed's literal values once").
 */
export function twoLayerRuns(
  experiment: Experiment,
  plan: TwoLayerGrid,
  ep: string,
): Stage<RunParams>[] {
  const base = {
    task: experiment === "figure1" ? "regression" as const : "classification" as const,
    inputDim: 10,
    n: 1000,
    classes: 10,
    steps: plan.steps,
    logEvery: plan.logEvery,
    probe: 100,
    dataSeed: 0,
    dtype: "float32" as const,
    ep,
  };
  const runs: Stage<RunParams>[] = [];
  for (const width of plan.widths) {
    for (const name of TWO_LAYER_NAMES) {
      for (const initSeed of plan.seeds) {
        runs.push(
          twoLayerRunStage(experiment, { ...base, table: "corrected", name, width, initSeed }),
        );
      }
    }
  }
  const dMax = Math.max(...plan.widths);
  for (const name of LITERAL_DIFFERS) {
    runs.push(
      twoLayerRunStage(experiment, { ...base, table: "literal", name, width: dMax, initSeed: 0 }),
    );
  }
  return runs;
}
