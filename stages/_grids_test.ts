// The grids of stages/_grids.ts drive the run builders; a run's key covers its module's code, its
// params and its inputs' keys. So that adding a value to a grid adds stages and reruns nothing,
// the builders must give every run already in the grid the same id, module, params and inputs
// (layout_test.ts checks that no module's code holds the grids).
import assert from "node:assert/strict";
import { cifarFcnGrid, figure2Grid, figure3Grid, twoLayerGrid } from "./_grids.ts";
import { cifarFcnRuns } from "./cifar_fcn_runs.ts";
import { figure2Runs } from "./figure2_runs.ts";
import { figure3Runs } from "./figure3_runs.ts";
import { twoLayerRuns } from "./two_layer_runs.ts";
import { defineStage, type Stage } from "../pipeline/mod.ts";

const data = defineStage({
  id: "data",
  module: import.meta.url,
  params: {},
  run: () => Promise.resolve(),
});

function view(stages: readonly Stage[]) {
  return new Map(stages.map((s) => [s.id, {
    module: s.module,
    params: JSON.stringify(s.params),
    inputs: Object.keys(s.inputs ?? {}),
  }]));
}

function assertSuperset(before: readonly Stage[], after: readonly Stage[]) {
  const a = view(before);
  const b = view(after);
  assert.ok(b.size > a.size, `${b.size} runs after, ${a.size} before`);
  for (const [id, v] of a) assert.deepEqual(b.get(id), v, id);
}

Deno.test("grids: one more σ, rate, seed or width adds runs and leaves every other run as it was", () => {
  for (const scale of ["smoke", "default", "paper"]) {
    const f2 = figure2Grid(scale);
    assertSuperset(
      figure2Runs(f2, "cpu", data),
      figure2Runs({ ...f2, sigmas: [...f2.sigmas, 16] }, "cpu", data),
    );
    const f3 = figure3Grid(scale);
    assertSuperset(
      figure3Runs(f3, "cpu", data),
      figure3Runs({ ...f3, seeds: [...f3.seeds, 7] }, "cpu", data),
    );
    const fcn = cifarFcnGrid(scale);
    assertSuperset(
      cifarFcnRuns(fcn, "cpu", data),
      cifarFcnRuns({ ...fcn, lrs: [...fcn.lrs, 1] }, "cpu", data),
    );
    for (const experiment of ["figure1", "appendix-c"] as const) {
      const grid = twoLayerGrid(experiment, scale);
      assertSuperset(
        twoLayerRuns(experiment, grid, "cpu"),
        twoLayerRuns(experiment, { ...grid, seeds: [...grid.seeds, 9] }, "cpu"),
      );
      // a smaller width joins too; the literal-table runs stay at the largest
      assertSuperset(
        twoLayerRuns(experiment, grid, "cpu"),
        twoLayerRuns(experiment, { ...grid, widths: [10, ...grid.widths] }, "cpu"),
      );
    }
  }
});
