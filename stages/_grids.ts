/**
 * What the training runs of each experiment are at each scale (σ, seeds and the settings that go
 * with them), kept apart from the modules that declare the runs. A run's key covers the code of
 * its module, so a grid written there gives every run a new key when a value is added to it; from
 * here, adding σ = 8 to Figure 2 adds three stages and leaves the runs there were cached. Only
 * stages/mod.ts (and _grids_test.ts) imports this file; layout_test.ts checks that no stage's code
 * closure holds it. The grids are the DAG's config: `--config figure3.seeds=[0,1,2,3,4]` overrides
 * a grid's value for one command (`grids`, `checkGrids`).
 */
import type { ConfigProblem } from "../pipeline/dag_config.ts";
import type { CifarFcnGrid } from "./cifar_fcn_runs.ts";
import type { Figure2Grid } from "./figure2_runs.ts";
import type { Figure3Grid } from "./figure3_runs.ts";
import type { Experiment, TwoLayerGrid } from "./two_layer_runs.ts";
import { byScale } from "./_scale.ts";

/**
 * Figure 1 and Appendix C: the six initialisations at each width and seed. Figure 1 runs 5,000 GD
 * steps and Appendix C 2,000 at the default scale; both 5,000 at the paper scale.
 */
export function twoLayerGrid(experiment: Experiment, scale: string): TwoLayerGrid {
  const steps = experiment === "figure1" ? 5000 : 2000;
  return byScale(scale, {
    smoke: { widths: [100, 1000], seeds: [0], steps: 200, logEvery: 20 },
    default: { widths: [100, 1000, 10000], seeds: [0, 1, 2], steps, logEvery: 50 },
    paper: { widths: [100, 1000, 10000], seeds: [0, 1, 2], steps: 5000, logEvery: 50 },
  });
}

/** Figure 2: the default scale is the paper's setting (SPEC 5.3): full MNIST, 20 epochs, 3 seeds. */
export function figure2Grid(scale: string): Figure2Grid {
  return byScale(scale, {
    smoke: { sigmas: [0.5, 2], seeds: [0], epochs: 1, perClass: 200, logEvery: 5 },
    default: {
      sigmas: [0.25, 0.5, 1, 2, 4],
      seeds: [0, 1, 2],
      epochs: 20,
      perClass: 0,
      logEvery: 100,
    },
  });
}

/**
 * Figure 3: ResNet-18 at width 1/8 for 4 epochs at the default scale; at full width for 200 epochs
 * at the paper scale.
 */
export function figure3Grid(scale: string): Figure3Grid {
  return byScale(scale, {
    smoke: { sigmas: [1, 4], seeds: [0], width: 0.0625, epochs: 1, perClass: 50, testCount: 1000 },
    default: {
      sigmas: [0.5, 1, 2, 4, 8],
      seeds: [0, 1, 2],
      width: 0.125,
      epochs: 4,
      perClass: 0,
      testCount: 10000,
    },
    paper: {
      sigmas: [0.5, 1, 2, 4, 8],
      seeds: [0],
      width: 1,
      epochs: 200,
      perClass: 0,
      testCount: 10000,
    },
  });
}

/**
 * The CIFAR-10 FCN sweep: 500 images a class for 40 epochs at the default scale; the full set, six
 * σ and five rates for 200 epochs at the paper scale.
 */
export function cifarFcnGrid(scale: string): CifarFcnGrid {
  return byScale(scale, {
    smoke: { sigmas: [1, 4], lrs: [0.03], seeds: [0], epochs: 2, perClass: 50 },
    default: {
      sigmas: [0.5, 1, 2, 4],
      lrs: [0.03, 0.1, 0.3],
      seeds: [0, 1, 2],
      epochs: 40,
      perClass: 500,
    },
    paper: {
      sigmas: [0.25, 0.5, 1, 2, 4, 8],
      lrs: [0.003, 0.01, 0.03, 0.1, 0.3],
      seeds: [0, 1, 2],
      epochs: 200,
      perClass: 0,
    },
  });
}

/** Every experiment's grid at a scale, by the name of its target: the DAG module's config. */
export interface Grids {
  figure1: TwoLayerGrid;
  "appendix-c": TwoLayerGrid;
  figure2: Figure2Grid;
  "cifar-fcn": CifarFcnGrid;
  figure3: Figure3Grid;
}

export function grids(scale: string): Grids {
  return {
    figure1: twoLayerGrid("figure1", scale),
    "appendix-c": twoLayerGrid("appendix-c", scale),
    figure2: figure2Grid(scale),
    "cifar-fcn": cifarFcnGrid(scale),
    figure3: figure3Grid(scale),
  };
}

/**
 * What each grid list may hold. Every value becomes part of stage ids (fig3-sigma0.5-seed3), so
 * lists hold distinct numbers; numbers from 1e21 on would print with a "+", which no id may hold.
 * Seeds go through 32-bit seed derivation (data/_rng.ts), so larger ones would repeat smaller
 * ones' draws. The single values (epochs, steps, width...) become run params, which the params'
 * rules (stages/_params.ts) check once the runs are built.
 */
const LISTS: Record<string, { expected: string; ok: (x: number) => boolean }> = {
  sigmas: { expected: "numbers > 0 and < 1e21", ok: (x) => x > 0 && x < 1e21 },
  lrs: { expected: "numbers > 0 and < 1e21", ok: (x) => x > 0 && x < 1e21 },
  seeds: {
    expected: "integers from 0 to 4294967295",
    ok: (x) => Number.isInteger(x) && x >= 0 && x <= 4294967295,
  },
  widths: {
    expected: "integers from 1 to 1e9",
    ok: (x) => Number.isInteger(x) && x >= 1 && x <= 1e9,
  },
};

/** The problems with the grids' lists after `--config` (the module's checkConfig). */
export function checkGrids(config: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [experiment, grid] of Object.entries(config)) {
    for (const [field, value] of Object.entries(grid as Record<string, unknown>)) {
      const list = LISTS[field];
      if (!list) continue;
      const ok = Array.isArray(value) && value.length > 0 &&
        new Set(value).size === value.length &&
        value.every((x) => typeof x === "number" && list.ok(x));
      if (!ok) {
        problems.push({
          key: `${experiment}.${field}`,
          expected: `a non-empty list of distinct ${list.expected}`,
        });
      }
    }
  }
  return problems;
}
