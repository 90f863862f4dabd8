/**
 * The ONNX graphs a training run builds, as one plan that the run itself uses and that
 * `deno task graphs` (graphs_main.ts) writes out for every training stage of the DAG: so an
 * exported graph is the graph a result came from, not a copy kept beside it.
 */
import type { DenseLayer } from "../models/arch/dense.ts";
import type { LrGroups } from "../models/arch/ntk.ts";
import { trainStep, type TrainStepSpec } from "../models/autodiff/sgd.ts";
import type { Graph } from "../models/onnx/ir.ts";
import { evalBatchSizes, type EvalSpec, evalStep } from "../models/train/evaluate.ts";
import { ntkProbeGraph } from "../models/train/ntk_probe.ts";
import { unrollStep } from "../models/train/unroll.ts";

/** What a run trains, evaluates and probes, from its params alone (no data is read). */
export interface RunPlan {
  readonly train: TrainStepSpec;
  /**
   * Steps per session run (`train`'s stepsPerCall; default 1). With k > 1 the run also uses the
   * training step chained k times (`unrollStep`), and fewer times before a log or checkpoint.
   */
  readonly stepsPerCall?: number;
  /** Forward-only evaluation: the spec for a batch size, the batch size, the rows of each set. */
  readonly evals?: {
    readonly spec: (batch: number) => EvalSpec;
    readonly batchSize: number;
    readonly counts: readonly number[];
  };
  /** The NTK probe's dense chain, probe rows and dtype (NtkProbe builds ntkProbeGraph of them). */
  readonly ntk?: {
    readonly layers: readonly DenseLayer[];
    readonly count: number;
    readonly dtype: "float32" | "float64";
    readonly lrGroups?: LrGroups;
  };
}

/** One graph of a run: its role, the batch (rows) it is built for, and its builder. */
export interface RunGraph {
  readonly role: "train" | "train-chained" | "eval" | "ntk";
  readonly batch: number;
  /** Training steps in the graph (train-chained only). */
  readonly steps?: number;
  readonly build: () => Graph;
}

/**
 * Every graph a run with this plan builds, in the order train, train chained `stepsPerCall` times,
 * eval (by batch size), NTK.
 */
export function planGraphs(plan: RunPlan): RunGraph[] {
  const out: RunGraph[] = [
    { role: "train", batch: plan.train.batch, build: () => trainStep(plan.train).graph },
  ];
  const k = plan.stepsPerCall ?? 1;
  if (k > 1) {
    const build = () => unrollStep(trainStep(plan.train), k);
    out.push({ role: "train-chained", batch: plan.train.batch, steps: k, build });
  }
  const evals = plan.evals;
  if (evals) {
    const sizes = [...new Set(evals.counts.flatMap((n) => evalBatchSizes(n, evals.batchSize)))];
    for (const batch of sizes.sort((a, b) => b - a)) {
      out.push({ role: "eval", batch, build: () => evalStep(evals.spec(batch)) });
    }
  }
  const ntk = plan.ntk;
  if (ntk) {
    out.push({
      role: "ntk",
      batch: ntk.count,
      build: () => ntkProbeGraph(ntk.layers, ntk.count, ntk.dtype, ntk.lrGroups),
    });
  }
  return out;
}

/** Throws when the rows a run loaded differ from the plan's, so the exported graphs stay true. */
export function checkRows(what: string, planned: number, loaded: number): void {
  if (planned !== loaded) {
    throw new RangeError(
      `Expected ${planned} rows in the ${what} set (the run's plan) but found ${loaded}`,
    );
  }
}
