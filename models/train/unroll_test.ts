import assert from "node:assert/strict";
import { batchIndices } from "../../data/mod.ts";
import { trainStep } from "../autodiff/mod.ts";
import { mlp, mlpLayers } from "../arch/mod.ts";
import { initDense } from "../init/mod.ts";
import type { TensorData } from "../onnx/mod.ts";
import { blobs, countingData, countingStep } from "./_testing.ts";
import { CHECKPOINT_FILE } from "./checkpoint.ts";
import { constantLr, cosineAnnealingLr } from "./schedule.ts";
import { train, type TrainOptions, type TrainResult } from "./trainer.ts";
import { stepTensor, unrollStep } from "./unroll.ts";

const SPEC = { sizes: [6, 12, 3], bias: true };

const mlpStep = (sgd?: { momentum: number; weightDecay: number }) =>
  trainStep({
    name: "unroll_mlp",
    dtype: "float32",
    batch: 8,
    inputShape: [6],
    forward: (b, xt) => mlp(b, xt, SPEC),
    loss: { kind: "softmax_ce", labels: "index" },
    sgd,
  });

/** 36 rows in batches of 8 (4 per epoch), with momentum, weight decay, augmentation, a schedule. */
function options(): TrainOptions {
  const { x, y } = blobs(36, 6, 3, 1);
  return {
    step: mlpStep({ momentum: 0.9, weightDecay: 5e-4 }),
    params: initDense(mlpLayers(SPEC), { rule: "kaiming", seed: 3, dtype: "float32" }),
    data: {
      count: 36,
      x,
      y,
      batches: (epoch) => batchIndices(36, 8, { seed: 9, epoch, dropLast: true }),
      augment: (xb, epoch, batch) =>
        xb.map((v, i) => v * (1 + 0.05 * (((epoch * 31 + batch * 7 + i) % 5) - 2))),
    },
    schedule: cosineAnnealingLr({ lr: 0.05 }, { tMax: 5 }),
    epochs: 5,
    threads: 1,
  };
}

const bytes = (a: TensorData | Float64Array) =>
  Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

/** Everything a run returns, as bytes, so that equal means bit-identical. */
function fingerprint(r: TrainResult) {
  const all = r.diverged ? {} : { ...r.params, ...r.state };
  return {
    diverged: r.diverged,
    step: r.step,
    message: r.diverged ? r.message : "",
    losses: bytes(r.losses),
    accuracies: bytes(r.accuracies),
    values: Object.keys(all).sort().map((k) => [k, bytes(all[k])]),
  };
}

Deno.test("unrollStep() chains k copies: carried tensors pass from copy to copy, the rest is per step", () => {
  const step = mlpStep({ momentum: 0.9, weightDecay: 0 });
  const g = unrollStep(step, 3);
  const carried = [...step.params, ...step.state].map((v) => v.name);
  const perStep = step.graph.inputs.map((v) => v.name).filter((n) => !carried.includes(n));
  assert.deepEqual(perStep.toSorted(), ["lr", "x", "y"]);
  assert.deepEqual(
    g.inputs.map((v) => v.name).toSorted(),
    [...carried, ...[0, 1, 2].flatMap((s) => perStep.map((n) => stepTensor(s, n)))].toSorted(),
  );
  assert.deepEqual(
    g.outputs.map((v) => v.name).toSorted(),
    [
      ...carried.map((n) => `${n}_next`),
      ...[0, 1, 2].flatMap((s) => [stepTensor(s, "loss"), stepTensor(s, "accuracy")]),
    ].toSorted(),
  );
  assert.equal(g.nodes.length, 3 * step.graph.nodes.length);
  assert.equal(g.initializers, step.graph.initializers);
  // copy 1 reads what copy 0 wrote
  const reads = g.nodes.filter((n) => n.name.startsWith("step1/")).flatMap((n) => n.inputs);
  assert.ok(reads.includes(stepTensor(0, "fc1.weight_next")));
  assert.ok(!reads.includes("fc1.weight"));
  assert.throws(() => unrollStep(step, 0), /at least 1 but found 0/);
  assert.throws(() => unrollStep(step, 1.5), /at least 1 but found 1.5/);
});

Deno.test("train() with stepsPerCall gives bit-identical results, logs and checkpoints, with fewer runs", async () => {
  const root = await Deno.makeTempDir();
  try {
    const run = async (k: number) => {
      const logs: unknown[] = [];
      const progress: number[] = [];
      const dir = `${root}/k${k}`;
      const r = await train({
        ...options(),
        stepsPerCall: k,
        logEvery: 3,
        onLog: (step, info) =>
          void logs.push([step, info.epoch, info.loss, info.accuracy, info.rates, {
            ...info.params,
            ...info.state,
          }]),
        onProgress: (done) => void progress.push(done),
        checkpoint: { dir, everySteps: 7, eachEpoch: true },
      });
      const checkpoint = await Deno.readFile(`${dir}/${CHECKPOINT_FILE}`);
      return { result: fingerprint(r), logs, progress, checkpoint };
    };
    const one = await run(1);
    assert.equal(one.progress.length, 20);
    for (const k of [2, 3, 8]) {
      const many = await run(k);
      assert.deepEqual(many.result, one.result, `k = ${k}`);
      assert.deepEqual(many.logs, one.logs, `k = ${k}`);
      assert.deepEqual(many.checkpoint, one.checkpoint, `k = ${k}`);
      assert.equal(many.progress.at(-1), 20);
    }
    // logs every 3, checkpoints every 7 and at each epoch's end (every 4) cut the runs at
    // 3 4 6 7 8 9 12 14 15 16 18 20: with k = 8, 12 runs instead of 20
    assert.deepEqual((await run(8)).progress, [3, 4, 6, 7, 8, 9, 12, 14, 15, 16, 18, 20]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

// countingStep trains on two rows, full batch: one batch per epoch, so every run crosses epoch ends
Deno.test("train() with stepsPerCall crosses epoch ends that nothing waits for, and carries buffers", async () => {
  const run = async (k: number, lr: number) => {
    const progress: number[] = [];
    const r = await train({
      step: countingStep(),
      params: { p: new Float64Array([0]), count: new Float64Array([0]) },
      data: countingData(),
      schedule: constantLr({ lr }),
      epochs: 50,
      threads: 1,
      stepsPerCall: k,
      onProgress: (done) => void progress.push(done),
    });
    return { r, progress };
  };
  const { r, progress } = await run(8, 0.2);
  assert.equal(r.diverged, false);
  if (r.diverged) return;
  assert.deepEqual(r.state.count, new Float64Array([50]));
  assert.deepEqual(progress, [8, 16, 24, 32, 40, 48, 50]);
  assert.deepEqual(fingerprint(r), fingerprint((await run(1, 0.2)).r));
  // lr 10⁵ makes |p − 3| grow 2.5·10⁵× a step: the loss overflows to Inf inside a run of 8
  const [one, eight] = [(await run(1, 1e5)).r, (await run(8, 1e5)).r];
  assert.equal(one.diverged, true);
  assert.ok(one.step % 8 !== 0, `diverged at step ${one.step}`);
  assert.deepEqual(fingerprint(eight), fingerprint(one));
});

Deno.test("train() stops at step 1 when a tensor is not finite though the loss is, at 1 and 4 stepsPerCall", async () => {
  // the count buffer grows by lr_count, which the loss never reads: a rate of Infinity at step 0
  // makes it Inf from step 1 on with every loss finite, so only the check of the updated
  // tensors can notice, and the run of 4 is made again step by step to find the step
  const run = (k: number) =>
    train({
      step: countingStep({ countRate: true }),
      params: { p: new Float64Array([0]), count: new Float64Array([0]) },
      data: countingData(),
      schedule: ({ step }) => ({ lr: 0.1, lr_count: step === 0 ? Infinity : 0 }),
      epochs: 6,
      threads: 1,
      stepsPerCall: k,
    });
  const [one, four] = [await run(1), await run(4)];
  assert.deepEqual([one.diverged, one.step, one.losses.length], [true, 1, 1]);
  assert.ok(Number.isFinite(one.losses[0]));
  assert.deepEqual(fingerprint(four), fingerprint(one));
});

Deno.test("train() rejects a stepsPerCall that is not a whole number >= 1", async () => {
  await assert.rejects(train({ ...options(), stepsPerCall: 0 }), /stepsPerCall .* found 0/);
  await assert.rejects(train({ ...options(), stepsPerCall: 2.5 }), /stepsPerCall .* found 2.5/);
});
