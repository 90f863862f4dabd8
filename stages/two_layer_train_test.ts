// A Figure 1 run through the engine at smoke scale: its data come from dataSeed and its weights
// from initSeed, so that the seeds of one setting share one data set (SPEC 5.1).
import assert from "node:assert/strict";
import { join } from "node:path";
import { runEngine } from "./testdata/engine.ts";

const STAGE = "fig1-corrected-ntk-d100-seed0";
/** The same run with initSeed 1: the only param it differs in (its id names initSeed). */
const SEED1 = "fig1-corrected-ntk-d100-seed1";

Deno.test("a two-layer run's data follow dataSeed and its initialisation initSeed", async () => {
  const out = await Deno.makeTempDir({ prefix: "two-layer-out-" });
  try {
    /** The logged ζ series of run `id` (default scale, 20 steps) with `sets`. */
    const series = async (id: string, ...sets: string[]) => {
      const args = ["--scale", "default", "--only", id];
      for (const s of ["steps=20", "logEvery=5", ...sets]) args.push("--set", `${id}.${s}`);
      const r = await runEngine([...args, "--out", out]);
      assert.equal(r.code, 0, r.stderr);
      const plan = JSON.parse(
        (await runEngine([...args, "--out", out, "--dry-run", "--json"])).stdout,
      );
      const key = plan.stages.find((s: { id: string }) => s.id === id).key;
      const run = JSON.parse(await Deno.readTextFile(join(out, "cache", key, "files", "run.json")));
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
