/**
 * The project's DAG: every stage of the reproduction, built for a scale and an execution provider.
 * Stage modules are imported statically but load ONNX Runtime and the plotting stack only inside
 * `run`, so planning (and a no-op rerun) stays fast.
 *
 * @example
 * ```sh
 * deno run -A pipeline/main.ts run --dag stages/mod.ts --scale smoke --dry-run
 * ```
 * @module
 */
import type { ConfigProblem, DagConfig } from "../pipeline/dag_config.ts";
import type { CheckParams } from "../pipeline/load.ts";
import type { BuildOptions, PipelineDef, Stage } from "../pipeline/mod.ts";
import { checkGrids, type Grids, grids } from "./_grids.ts";
import { checkParamsWith, paramRules } from "./_params.ts";
import { cifarFcnStage } from "./cifar_fcn.ts";
import { cifarFcnRuns } from "./cifar_fcn_runs.ts";
import { fetchCifar10Stage, fetchMnistStage } from "./fetch_data.ts";
import { figure2Stage } from "./figure2.ts";
import { figure2Runs } from "./figure2_runs.ts";
import { figure3Stage } from "./figure3.ts";
import { figure3Runs } from "./figure3_runs.ts";
import { phaseDiagramStage } from "./phase_diagram.ts";
import { reportStage } from "./report.ts";
import { theoryVsGdStage } from "./theory_vs_gd.ts";
import { twoLayerFigureStage } from "./two_layer_figure.ts";
import { twoLayerRuns } from "./two_layer_runs.ts";
import { zetaVsWidthStage } from "./zeta_vs_width.ts";

/** smoke: whole DAG in minutes on 2 cores; default: what `deno task reproduce` runs; paper: GPU. */
export const scales = ["smoke", "default", "paper"] as const;
export const defaultScale = "default";
/** Execution providers of onnxruntime-node; stages that train take the EP as a param. */
export const eps = ["cpu", "webgpu", "cuda"] as const;

const RULES = paramRules(eps);
/** Checks every stage's params after `--set` (rules in stages/_params.ts); the engine calls it. */
export const checkParams: CheckParams = (stage, preset) => checkParamsWith(RULES, stage, preset);

/**
 * The DAG's config: the training grids of each experiment at a scale (stages/_grids.ts). `--config
 * figure3.seeds=[0,1,2,3,4]` runs Figure 3 over five seeds; `--set` can change a run's params but
 * not add a run.
 */
export function config(scale: string): DagConfig {
  return grids(scale) as unknown as DagConfig;
}

/** Checks the grids' lists after `--config`; the runs' params are checked as stage params. */
export const checkConfig = (c: DagConfig): ConfigProblem[] => checkGrids(c);

/** Every stage but the report, built from `g`, and the stages the report reads. */
function experiments(scale: string, ep: string, g: Grids) {
  const mnist = fetchMnistStage();
  const cifar = fetchCifar10Stage();
  const theory = [theoryVsGdStage(scale), zetaVsWidthStage(scale), phaseDiagramStage(scale)];
  const fig1Runs = twoLayerRuns("figure1", g.figure1, ep);
  const fig1 = twoLayerFigureStage("figure1", fig1Runs);
  const appcRuns = twoLayerRuns("appendix-c", g["appendix-c"], ep);
  const appc = twoLayerFigureStage("appendix-c", appcRuns);
  const fig2Runs = figure2Runs(g.figure2, ep, mnist);
  const fig2 = figure2Stage(fig2Runs);
  const fcnRuns = cifarFcnRuns(g["cifar-fcn"], ep, cifar);
  const fcn = cifarFcnStage(fcnRuns);
  const fig3Runs = figure3Runs(g.figure3, ep, cifar);
  const fig3 = figure3Stage(fig3Runs);
  const stages: Stage[] = [
    ...[mnist, cifar, ...theory, ...fig1Runs, fig1, ...appcRuns, appc],
    ...[...fig2Runs, fig2, ...fcnRuns, fcn, ...fig3Runs, fig3],
  ];
  const inputs = [...theory, fig1, appc, fig2, fcn, fig3];
  const targets = {
    data: [mnist.id, cifar.id],
    theory: theory.map((s) => s.id),
    figure1: [fig1.id],
    "appendix-c": [appc.id],
    figure2: [fig2.id],
    "cifar-fcn": [fcn.id],
    figure3: [fig3.id],
  };
  return { stages, inputs, targets };
}

/**
 * The DAG at a scale, with the grids of `dagConfig` (the scale's, if none is given). The report's
 * `preset` is always the scale's own stages, so that a report over other grids lists the runs it
 * added or dropped.
 */
export function pipeline({ scale, ep }: BuildOptions, dagConfig?: DagConfig): PipelineDef {
  const preset = grids(scale);
  const g = (dagConfig ?? preset) as Grids;
  const { stages, inputs, targets } = experiments(scale, ep, g);
  const same = JSON.stringify(g) === JSON.stringify(preset);
  const presetStages = same ? stages : experiments(scale, ep, preset).stages;
  const report = reportStage({ scale, ep, inputs, preset: presetStages });
  return { stages: [...stages, report], targets: { ...targets, report: [report.id] } };
}
