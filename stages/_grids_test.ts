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

Deno.test("grids are the DAG's config: --config adds runs, and the report's preset stays the scale's", async () => {
  const { checkConfig, config, pipeline, scales } = await import("./mod.ts");
  for (const scale of scales) {
    const preset = config(scale);
    assert.deepEqual(checkConfig(preset), [], scale);
    const plain = pipeline({ scale, ep: "cpu" });
    assert.deepEqual(view(pipeline({ scale, ep: "cpu" }, preset).stages), view(plain.stages));
    const f3 = preset.figure3 as { seeds: number[] };
    const more = { ...preset, figure3: { ...f3, seeds: [...f3.seeds, 3, 4] } };
    const wider = pipeline({ scale, ep: "cpu" }, more);
    // every stage but the two that read the new runs is as it was
    const readers = ["figure3", "report"];
    assertSuperset(plain.stages.filter((s) => !readers.includes(s.id)), wider.stages);
    const report = (d: typeof plain) => d.stages.find((s) => s.id === "report")!;
    // the report lists the added runs as stages the preset lacks (stages/report/settings.ts)
    assert.deepEqual(report(wider).params.preset, report(plain).params.preset, scale);
    const collector = wider.stages.find((s) => s.id === "figure3")!;
    assert.ok(Object.keys(collector.inputs).includes("fig3-sigma1-seed4"), scale);
  }
});

Deno.test("checkConfig() names each grid list that is empty, repeats a value or holds a bad one", async () => {
  const { checkConfig, config } = await import("./mod.ts");
  const preset = config("default");
  const edit = (experiment: string, field: string, value: unknown) =>
    checkConfig(
      {
        ...preset,
        [experiment]: { ...(preset[experiment] as object), [field]: value },
      } as typeof preset,
    );
  const list = (what: string) => `a non-empty list of distinct ${what}`;
  const seeds = list("integers from 0 to 4294967295");
  const sigmas = list("numbers > 0 and < 1e21");
  for (
    const [experiment, field, value, expected] of [
      ["figure3", "seeds", [], seeds],
      ["figure3", "seeds", [0, 0], seeds],
      ["figure3", "seeds", [1.5], seeds],
      ["figure2", "seeds", [2 ** 32], seeds],
      ["figure2", "sigmas", [0], sigmas],
      ["cifar-fcn", "lrs", [1e21], sigmas],
      ["figure1", "widths", [0], list("integers from 1 to 1e9")],
      ["appendix-c", "widths", ["100"], list("integers from 1 to 1e9")],
    ] as const
  ) {
    assert.deepEqual(edit(experiment, field, value), [{ key: `${experiment}.${field}`, expected }]);
  }
  assert.deepEqual(edit("figure3", "seeds", [0, 4294967295]), []);
});
