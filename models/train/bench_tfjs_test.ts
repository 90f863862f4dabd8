import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import type { LossSpec } from "../autodiff/mod.ts";
import { createRng } from "../rng.ts";
import { Session } from "./session.ts";
import { fcn } from "./_bench_models.ts";
import { createTfjsStep, useWasmBackend } from "./_bench_tfjs.ts";

const BATCH = 4;
const LR = 0.5;

/** Largest |a − b| over the largest |b|: a relative error that ignores entries near zero. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

async function compareOneStep(sizes: number[], bias: boolean, loss: LossSpec) {
  await useWasmBackend();
  const m = fcn("tiny", sizes, bias, loss);
  const params = m.params() as Record<string, Float32Array>;
  const rng = createRng(5);
  const x = Float32Array.from({ length: BATCH * sizes[0] }, () => rng.normal());
  const labels = Array.from({ length: BATCH }, () => rng.nextUint32() % m.classes);
  const oneHot = Float32Array.from(
    { length: BATCH * m.classes },
    (_, i) => labels[Math.floor(i / m.classes)] === i % m.classes ? 1 : 0,
  );
  const session = await Session.create(m.step(BATCH).graph, { threads: 1 });
  let ort;
  try {
    ort = await session.run({
      ...params,
      lr: new Float32Array([LR]),
      x,
      y: m.loss === "mse" ? oneHot : BigInt64Array.from(labels, BigInt),
    });
  } finally {
    await session.release();
  }
  const tensorsBefore = tf.memory().numTensors;
  const model = createTfjsStep({ sizes, bias, loss: m.loss }, params, LR);
  const xt = tf.tensor2d(x, [BATCH, sizes[0]]);
  const yt = tf.tensor2d(oneHot, [BATCH, m.classes]);
  const tfjsLoss = model.step(xt, yt);
  const next = model.read();
  model.dispose();
  xt.dispose();
  yt.dispose();
  assert.equal(tf.memory().numTensors, tensorsBefore, "TF.js tensors leaked");
  const ortLoss = (ort.loss as Float32Array)[0];
  assert.ok(Math.abs(tfjsLoss - ortLoss) <= 1e-5 * Math.abs(ortLoss), `${tfjsLoss} ${ortLoss}`);
  assert.deepEqual(Object.keys(next).sort(), Object.keys(params).sort());
  for (const [name, p] of Object.entries(params)) {
    const want = ort[`${name}_next`] as Float32Array;
    // the step must move each tensor by more than the tolerance, or the check says nothing
    assert.ok(relErr(p, want) > 1e-3, `"${name}" barely moved`);
    const err = relErr(next[name], want);
    assert.ok(err <= 1e-5, `"${name}": relative error ${err.toExponential(2)}`);
  }
}

Deno.test("createTfjsStep() matches the ONNX step with MSE on one-hot and no biases", async () => {
  await compareOneStep([6, 5, 5, 3], false, { kind: "mse", accuracy: true });
});

Deno.test("createTfjsStep() matches the ONNX step with softmax CE and biases", async () => {
  await compareOneStep([6, 8, 3], true, { kind: "softmax_ce", labels: "index" });
});

Deno.test("useWasmBackend() runs TF.js on the wasm backend, not the cpu one", async () => {
  assert.match(await useWasmBackend(), /wasm backend \(SIMD, 1 thread\)/);
  assert.equal(tf.getBackend(), "wasm");
});
