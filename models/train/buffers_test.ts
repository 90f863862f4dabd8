import assert from "node:assert/strict";
import { countingData, countingStep } from "./_testing.ts";
import { constantLr } from "./schedule.ts";
import { train } from "./trainer.ts";

Deno.test("train() carries buffers through steps and reports them with the state", async () => {
  const result = await train({
    step: countingStep(),
    params: { p: new Float64Array([0]), count: new Float64Array([0]) },
    data: countingData(),
    schedule: constantLr({ lr: 0.2 }),
    epochs: 50,
    threads: 1,
  });
  assert.equal(result.diverged, false);
  if (result.diverged) return;
  assert.deepEqual(result.state.count, new Float64Array([50]));
  assert.ok(Math.abs((result.params.p as Float64Array)[0] - 3) < 1e-6);
});
