import assert from "node:assert/strict";
import { batchIndices } from "../../data/mod.ts";
import { type LossSpec, trainStep } from "../autodiff/mod.ts";
import { mlp, mlpLayers } from "../arch/mod.ts";
import { initDense } from "../init/mod.ts";
import { blobs, mlpEval } from "./_testing.ts";
import { evaluate } from "./evaluate.ts";
import { constantLr } from "./schedule.ts";
import { train } from "./trainer.ts";

const SPEC = { sizes: [16, 32, 32, 4], bias: false };

async function fit(loss: LossSpec, seed: number, lr: number, epochs = 6) {
  const trainSet = blobs(256, 16, 4, 1);
  const step = trainStep({
    name: "mlp_small",
    dtype: "float32",
    batch: 32,
    inputShape: [16],
    forward: (b, x) => mlp(b, x, SPEC),
    loss,
    sgd: { momentum: 0.9 },
  });
  return await train({
    step,
    params: initDense(mlpLayers(SPEC), { rule: "kaiming", seed, dtype: "float32" }),
    data: {
      count: 256,
      ...trainSet,
      batches: (epoch) => batchIndices(256, 32, { seed: 2, epoch, dropLast: true }),
    },
    schedule: constantLr({ lr }),
    epochs,
    threads: 1,
  });
}

for (
  const [label, loss, lr, epochs] of [
    ["cross-entropy", { kind: "softmax_ce", labels: "index" }, 0.02, 6],
    ["MSE on one-hot targets", { kind: "mse", accuracy: true }, 0.005, 20],
  ] as const
) {
  Deno.test(`train() fits a small MLP with ${label} and evaluate() scores held-out data`, async () => {
    const result = await fit(loss, 5, lr, epochs);
    assert.equal(result.diverged, false);
    if (result.diverged) return;
    // Held-out rows: the same stream drawn further (same cluster centres, new points).
    const held = blobs(356, 16, 4, 1);
    const rows = { count: 100, x: held.x.subarray(256 * 16), y: held.y.subarray(256) };
    const scored = await evaluate({
      build: mlpEval(SPEC, loss),
      params: result.params,
      data: rows,
      batchSize: 32,
      threads: 1,
    });
    const first = result.losses.slice(0, 8).reduce((a, b) => a + b) / 8;
    const last = result.losses.slice(-8).reduce((a, b) => a + b) / 8;
    console.log(
      `  ${label}: train loss ${first.toFixed(3)} -> ${last.toFixed(3)}, ` +
        `held-out loss ${scored.loss.toFixed(3)}, accuracy ${scored.accuracy}`,
    );
    assert.ok(last < 0.3 * first, `loss ${first} -> ${last}`);
    assert.ok(scored.accuracy >= 0.95, `held-out accuracy ${scored.accuracy}`);
    assert.equal(scored.count, 100);
  });
}

Deno.test("train() with the same seeds gives identical bytes; another init seed does not", async () => {
  const loss = { kind: "softmax_ce", labels: "index" } as const;
  const [a, b, c] = [await fit(loss, 5, 0.02), await fit(loss, 5, 0.02), await fit(loss, 6, 0.02)];
  if (a.diverged || b.diverged || c.diverged) throw new Error("unexpected divergence");
  const bytes = (v: Float32Array) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  for (const k of Object.keys(a.params)) {
    assert.deepEqual(bytes(a.params[k] as Float32Array), bytes(b.params[k] as Float32Array), k);
  }
  assert.deepEqual(bytes(Float32Array.from(a.losses)), bytes(Float32Array.from(b.losses)));
  assert.notDeepEqual(
    bytes(a.params["fc1.weight"] as Float32Array),
    bytes(c.params["fc1.weight"] as Float32Array),
  );
});
