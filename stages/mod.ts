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
import type { CheckParams } from "../pipeline/load.ts";
import type { BuildOptions, PipelineDef } from "../pipeline/mod.ts";
import { cifarFcnGrid, figure2Grid, figure3Grid, twoLayerGrid } from "./_grids.ts";
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

export function pipeline({ scale, ep }: BuildOptions): PipelineDef {
  const mnist = fetchMnistStage();
  const cifar = fetchCifar10Stage();
  const theory = [theoryVsGdStage(scale), zetaVsWidthStage(scale), phaseDiagramStage(scale)];
  const fig1Runs = twoLayerRuns("figure1", twoLayerGrid("figure1", scale), ep);
  const fig1 = twoLayerFigureStage("figure1", fig1Runs);
  const appcRuns = twoLayerRuns("appendix-c", twoLayerGrid("appendix-c", scale), ep);
  const appc = twoLayerFigureStage("appendix-c", appcRuns);
  const fig2Runs = figure2Runs(figure2Grid(scale), ep, mnist);
  const fig2 = figure2Stage(fig2Runs);
  const fcnRuns = cifarFcnRuns(cifarFcnGrid(scale), ep, cifar);
  const fcn = cifarFcnStage(fcnRuns);
  const fig3Runs = figure3Runs(figure3Grid(scale), ep, cifar);
  const fig3 = figure3Stage(fig3Runs);
  const stages = [
    ...[mnist, cifar, ...theory, ...fig1Runs, fig1, ...appcRuns, appc],
    ...[...fig2Runs, fig2, ...fcnRuns, fcn, ...fig3Runs, fig3],
  ];
  const inputs = [...theory, fig1, appc, fig2, fcn, fig3];
  const report = reportStage({ scale, ep, inputs, preset: stages });
  return {
    stages: [...stages, report],
    targets: {
      data: [mnist.id, cifar.id],
      theory: theory.map((s) => s.id),
      figure1: [fig1.id],
      "appendix-c": [appc.id],
      figure2: [fig2.id],
      "cifar-fcn": [fcn.id],
      figure3: [fig3.id],
      report: [report.id],
    },
  };
}
