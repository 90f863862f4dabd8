// A Figure 1 run through the engine at smoke scale: its data come from dataSeed and its weights
// from initSeed, so that the seeds of one setting share one data set (SPEC 5.1).
import assert from "node:assert/strict";
import { join } from "node:path";
import { runEngine } from "./testdata/engine.ts";

const STAGE = "fig1-corrected-ntk-d100-seed0";

Deno.test("a two-layer run's data follow dataSeed and its initialisation initSeed", async () => {
  const out = await Deno.makeTempDir({ prefix: "two-layer-out-" });
  try {
    /** The logged ζ series of the run with `sets`, which the engine builds first. */
    const series = async (...sets: string[]) => {
      const args = ["--scale", "smoke", "--only", STAGE, "--set", `${STAGE}.steps=20`];
      for (const s of sets) args.push("--set", `${STAGE}.${s}`);
      const r = await runEngine([...args, "--out", out]);
      assert.equal(r.code, 0, r.stderr);
      const plan = JSON.parse(
        (await runEngine([...args, "--out", out, "--dry-run", "--json"])).stdout,
      );
      const key = plan.stages.find((s: { id: string }) => s.id === STAGE).key;
      const run = JSON.parse(await Deno.readTextFile(join(out, "cache", key, "files", "run.json")));
      return JSON.stringify({ rows: run.rows, lambda0: run.summary.lambda0 });
    };
    const base = await series();
    assert.notEqual(await series("dataSeed=1"), base, "dataSeed changes the data");
    assert.notEqual(await series("initSeed=1"), base, "initSeed changes the weights");
    assert.equal(await series("dataSeed=0", "initSeed=0"), base);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
