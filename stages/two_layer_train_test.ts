// Figure 1 runs through the engine at the default scale, a few steps long: their data come from
// dataSeed and their weights from initSeed, so that the seeds of one setting share one data set
// (SPEC 5.1), and they report λ0 of the plain NTK.
import assert from "node:assert/strict";
import { join } from "node:path";
import { regressionTask } from "../data/mod.ts";
import { initDense, twoLayerSetup } from "../models/init/mod.ts";
import { NtkProbe } from "../models/train/mod.ts";
import { type RunParams, twoLayerPlan } from "./_two_layer_train.ts";
import { topEigenvalue } from "./_linalg.ts";
import { runEngine } from "./testdata/engine.ts";

const STAGE = "fig1-corrected-ntk-d100-seed0";
/** The same run with initSeed 1: the only param it differs in (its id names initSeed). */
const SEED1 = "fig1-corrected-ntk-d100-seed1";

/** Runs stage `id` at the default scale with `--set id.S` for each of `sets` into `out`; its run.json. */
async function runFile(out: string, id: string, sets: string[]) {
  const args = ["--scale", "default", "--only", id, "--out", out];
  for (const s of sets) args.push("--set", `${id}.${s}`);
  const r = await runEngine(args);
  assert.equal(r.code, 0, r.stderr);
  const plan = JSON.parse((await runEngine([...args, "--dry-run", "--json"])).stdout);
  const key = plan.stages.find((s: { id: string }) => s.id === id).key;
  return JSON.parse(await Deno.readTextFile(join(out, "cache", key, "files", "run.json")));
}

Deno.test("a two-layer run's data follow dataSeed and its initialisation initSeed", async () => {
  const out = await Deno.makeTempDir({ prefix: "two-layer-out-" });
  try {
    /** The logged ζ series of run `id` (default scale, 20 steps) with `sets`. */
    const series = async (id: string, ...sets: string[]) => {
      const run = await runFile(out, id, ["steps=20", "logEvery=5", ...sets]);
      return JSON.stringify({ rows: run.rows, lambda0: run.summary.lambda0 });
    };
    const base = await series(STAGE);
    assert.notEqual(await series(STAGE, "dataSeed=1"), base, "dataSeed changes the data");
    assert.notEqual(await series(SEED1), base, "initSeed changes the weights");
    assert.equal(await series(STAGE, "dataSeed=0"), base);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a two-layer run reports λ0 of the plain NTK and lr·λ0 of the rate-weighted one", async () => {
  const out = await Deno.makeTempDir({ prefix: "two-layer-out-" });
  try {
    const { summary } = await runFile(out, STAGE, ["steps=8", "logEvery=8"]);
    // The same initial kernel, by the probe at unit rate: its top eigenvalue over P.
    const p = summary as RunParams;
    const { ntk } = twoLayerPlan(p);
    const setup = twoLayerSetup(p.name, p.table, p.width, p.inputDim);
    const x = regressionTask({ n: p.n, dim: p.inputDim, seed: p.dataSeed }).x.data;
    const rows = x.slice(0, ntk.count * p.inputDim);
    const probe = await NtkProbe.create({
      layers: ntk.layers,
      probe: p.dtype === "float64" ? Float64Array.from(rows) : rows,
      dtype: ntk.dtype,
      rates: { lr: 1 },
    });
    const params = initDense(ntk.layers, { rule: setup.init, seed: p.initSeed, dtype: p.dtype });
    const lambda0 = topEigenvalue(await probe.gram(params), ntk.count) / ntk.count;
    await probe.release();
    assert.equal(summary.lr, setup.lr);
    assert.ok(setup.lr !== 1, "a rate of 1 would not tell the kernels apart");
    assert.ok(Math.abs(summary.lambda0 / lambda0 - 1) < 1e-5, `${summary.lambda0} vs ${lambda0}`);
    assert.ok(Math.abs(summary.lrLambda0 / (setup.lr * lambda0) - 1) < 1e-5);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
