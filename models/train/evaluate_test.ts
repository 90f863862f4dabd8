import assert from "node:assert/strict";
import { mlp, mlpLayers } from "../arch/mod.ts";
import { initDense } from "../init/mod.ts";
import { blobs } from "./_testing.ts";
import { evalStep, evaluate } from "./evaluate.ts";

const SPEC = { sizes: [6, 8, 3], bias: true };

Deno.test("evaluate() over batches and a smaller tail equals one pass over the whole set", async () => {
  const { x, y } = blobs(10, 6, 3, 4);
  const params = initDense(mlpLayers(SPEC), { rule: "xavier", seed: 1, dtype: "float64" });
  const data = { count: 10, x: Float64Array.from(x), y };
  const build = (batch: number) =>
    evalStep({
      name: "eval",
      dtype: "float64",
      batch,
      inputShape: [6],
      forward: (b, t) => mlp(b, t, SPEC),
      loss: { kind: "softmax_ce", labels: "index" },
    });
  const parts = await evaluate({ build, params, data, batchSize: 4, threads: 1 });
  const whole = await evaluate({ build, params, data, batchSize: 10, threads: 1 });
  const big = await evaluate({ build, params, data, batchSize: 64, threads: 1 });
  assert.ok(Math.abs(parts.loss - whole.loss) < 1e-14, `${parts.loss} vs ${whole.loss}`);
  assert.ok(Math.abs(parts.accuracy - whole.accuracy) < 1e-14);
  assert.equal(big.loss, whole.loss);
  assert.equal(parts.count, 10);
  assert.ok(parts.loss > 0 && parts.accuracy >= 0 && parts.accuracy <= 1);
});

Deno.test("evaluate() gives NaN accuracy for a graph without one and refuses an empty set or a batch size below 1", async () => {
  const { x } = blobs(6, 6, 3, 4);
  const params = initDense(mlpLayers(SPEC), { rule: "xavier", seed: 1, dtype: "float64" });
  const targets = Float64Array.from({ length: 6 * 3 }, (_, i) => (i % 3) / 2);
  const data = { count: 6, x: Float64Array.from(x), y: targets };
  const build = (batch: number) =>
    evalStep({
      name: "eval_mse",
      dtype: "float64",
      batch,
      inputShape: [6],
      forward: (b, t) => mlp(b, t, SPEC),
      loss: { kind: "mse" },
    });
  const r = await evaluate({ build, params, data, batchSize: 4, threads: 1 });
  assert.ok(r.loss > 0 && Number.isFinite(r.loss));
  assert.ok(Number.isNaN(r.accuracy), `accuracy ${r.accuracy}`);
  for (const [batchSize, rows] of [[0, data], [-2, data], [4, { ...data, count: 0 }]] as const) {
    await assert.rejects(
      evaluate({ build, params, data: rows, batchSize, threads: 1 }),
      (e: Error) =>
        e instanceof RangeError && /Expected a positive batch size and rows/.test(e.message),
      `${batchSize}, ${rows.count}`,
    );
  }
});
