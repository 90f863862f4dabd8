import assert from "node:assert/strict";
import { batchIndices } from "../../data/mod.ts";
import { trainStep } from "../autodiff/mod.ts";
import { mlp, mlpLayers } from "../arch/mod.ts";
import { initDense } from "../init/mod.ts";
import { blobs } from "./_testing.ts";
import {
  CHECKPOINT_FILE,
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from "./checkpoint.ts";
import { cosineAnnealingLr } from "./schedule.ts";
import { train, type TrainOptions } from "./trainer.ts";

const SPEC = { sizes: [6, 12, 3], bias: true };
const BATCH = 8;

/** The MLP's training step with `sgd` (plain SGD without). */
const mlpStep = (name: string, sgd?: { momentum: number; weightDecay: number }) =>
  trainStep({
    name,
    dtype: "float32",
    batch: BATCH,
    inputShape: [6],
    forward: (b, xt) => mlp(b, xt, SPEC),
    loss: { kind: "softmax_ce", labels: "index" },
    sgd,
  });

function options(dir: string): TrainOptions {
  const { x, y } = blobs(36, 6, 3, 1);
  return {
    step: mlpStep("ckpt_mlp", { momentum: 0.9, weightDecay: 5e-4 }),
    params: initDense(mlpLayers(SPEC), { rule: "kaiming", seed: 3, dtype: "float32" }),
    data: {
      count: 36,
      x,
      y,
      batches: (epoch) => batchIndices(36, BATCH, { seed: 9, epoch, dropLast: true }),
      // a deterministic per-(epoch, batch) perturbation stands in for data augmentation
      augment: (xb, epoch, batch) =>
        xb.map((v, i) => v * (1 + 0.05 * (((epoch * 31 + batch * 7 + i) % 5) - 2))),
    },
    schedule: cosineAnnealingLr({ lr: 0.05 }, { tMax: 5 }),
    epochs: 5,
    threads: 1,
    checkpoint: { dir, everySteps: 5, eachEpoch: true },
  };
}

const bytes = (a: Float32Array | Float64Array | BigInt64Array | Uint8Array) =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

Deno.test("train() resumed from a checkpoint after a crash ends bit-identical to an uninterrupted run", async () => {
  const root = await Deno.makeTempDir();
  try {
    const full = await train(options(`${root}/full`));
    assert.equal(full.diverged, false);
    // 4 batches per epoch: checkpoints at 4, 5, 8, 10, …; the last before step 11 is mid-epoch.
    const crashAt = 11;
    await assert.rejects(
      train({
        ...options(`${root}/resumed`),
        logEvery: 1,
        onLog: (step) => {
          if (step === crashAt) throw new Error("simulated crash");
        },
      }),
      /simulated crash/,
    );
    const saved = await loadCheckpoint(`${root}/resumed`);
    assert.equal(saved?.step, 10);
    assert.deepEqual([saved?.epoch, saved?.batch], [2, 2]);
    const resumed = await train({ ...options(`${root}/resumed`), resume: true });
    assert.equal(resumed.diverged, false);
    if (full.diverged || resumed.diverged) return;
    assert.equal(resumed.step, 20);
    for (const name of Object.keys(full.params)) {
      assert.deepEqual(bytes(resumed.params[name]), bytes(full.params[name]), name);
      assert.deepEqual(
        bytes(resumed.state[`${name}.momentum`]),
        bytes(full.state[`${name}.momentum`]),
      );
    }
    assert.deepEqual(bytes(resumed.losses), bytes(full.losses));
    assert.deepEqual(bytes(resumed.accuracies), bytes(full.accuracies));
    const last = await loadCheckpoint(`${root}/full`);
    assert.equal(last?.step, 20);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("decodeCheckpoint() round-trips and rejects a corrupted payload", async () => {
  const ck = {
    graph: "g",
    step: 3,
    epoch: 1,
    batch: 2,
    infos: [
      { name: "a", dtype: "float32" as const, shape: [2, 2] },
      { name: "b", dtype: "float64" as const, shape: [3] },
      { name: "c", dtype: "int64" as const, shape: [2] },
      { name: "d", dtype: "bool" as const, shape: [3] },
    ],
    tensors: {
      a: new Float32Array([1, -2, 3.5, NaN]),
      b: new Float64Array([Math.PI, -0, 1e-300]),
      c: BigInt64Array.of(-4611686018427387909n, 258n),
      d: Uint8Array.of(1, 0, 1),
    },
    losses: new Float64Array([0.5, 0.25, 0.125]),
    accuracies: new Float64Array([NaN, 1, 0.5]),
  };
  const enc = await encodeCheckpoint(ck);
  const dec = await decodeCheckpoint(enc);
  for (const name of ["a", "b", "c", "d"] as const) {
    assert.deepEqual(bytes(dec.tensors[name]), bytes(ck.tensors[name]), name);
  }
  assert.deepEqual([dec.step, dec.epoch, dec.batch, dec.graph], [3, 1, 2, "g"]);
  assert.deepEqual(bytes(dec.losses), bytes(ck.losses));
  assert.deepEqual(bytes(dec.accuracies), bytes(ck.accuracies));
  enc[enc.length - 1] ^= 1;
  await assert.rejects(decodeCheckpoint(enc), CheckpointError);
});

Deno.test("train() refuses to resume from a checkpoint of another graph", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await train({ ...options(dir), maxSteps: 5 });
    const other = options(dir);
    const step = { ...other.step, graph: { ...other.step.graph, name: "other" } };
    await assert.rejects(train({ ...other, step, resume: true }), CheckpointError);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.deepEqual(names, [CHECKPOINT_FILE], "no temporary file is left behind");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train() feeds each batch through data.augment", async () => {
  const root = await Deno.makeTempDir();
  try {
    const base = options(`${root}/a`);
    const plain = await train({
      ...base,
      data: { ...base.data, augment: undefined },
      checkpoint: undefined,
    });
    const augmented = await train({ ...base, checkpoint: undefined });
    assert.equal(plain.diverged || augmented.diverged, false);
    assert.notDeepEqual(bytes(plain.losses), bytes(augmented.losses));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("train() with logEachEpoch logs at every epoch's end as well, once where a logged step ends one", async () => {
  const root = await Deno.makeTempDir();
  try {
    const logged: number[] = [];
    // 4 batches per epoch, 5 epochs; every 3rd step: 0, 3, 4, 6, 8, 9, 12, 15, 16, 18, 20
    await train({
      ...options(root),
      checkpoint: undefined,
      logEvery: 3,
      logEachEpoch: true,
      onLog: (step) => void logged.push(step),
    });
    assert.deepEqual(logged, [0, 3, 4, 6, 8, 9, 12, 15, 16, 18, 20]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("train() calls checkpoint.beforeSave before each checkpoint is written, after that step's log", async () => {
  const root = await Deno.makeTempDir();
  try {
    const events: string[] = [];
    await train({
      ...options(root),
      checkpoint: {
        dir: root,
        eachEpoch: true,
        beforeSave: async (step) => {
          // the checkpoint on disk is still the previous one
          const onDisk = await loadCheckpoint(root);
          events.push(`save ${step} (disk ${onDisk?.step ?? "none"})`);
        },
      },
      logEvery: 4,
      onLog: (step) => void events.push(`log ${step}`),
    });
    assert.deepEqual(events, [
      "log 0",
      "log 4",
      "save 4 (disk none)",
      "log 8",
      "save 8 (disk 4)",
      "log 12",
      "save 12 (disk 8)",
      "log 16",
      "save 16 (disk 12)",
      "log 20",
      "save 20 (disk 16)",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("train() feeds epoch e the rows of data.batches(e), batch by batch", async () => {
  const base = options("unused");
  const x = base.data.x as Float32Array;
  const asked = new Set<number>();
  const fed: string[] = [];
  const expected: string[] = [];
  const row = (xs: Float32Array | Float64Array, i: number) => xs.subarray(i * 6, i * 6 + 6).join();
  for (let epoch = 0; epoch < 5; epoch++) {
    for (const rows of base.data.batches(epoch)) expected.push(row(x, rows[0]));
  }
  await train({
    ...base,
    checkpoint: undefined,
    data: {
      ...base.data,
      batches: (epoch) => {
        asked.add(epoch);
        return base.data.batches(epoch);
      },
      augment: (xb) => {
        fed.push(row(xb, 0));
        return xb.slice();
      },
    },
  });
  assert.deepEqual([...asked].sort(), [0, 1, 2, 3, 4]);
  // each step's first row is that of its epoch's shuffle (the shuffles differ between epochs)
  assert.deepEqual(fed, expected);
  assert.notDeepEqual(expected.slice(0, 4), expected.slice(4, 8));
});

Deno.test("train() logs the rates of the update that produced the logged parameters", async () => {
  const base = options("unused");
  const seen: [number, number][] = [];
  await train({
    ...base,
    checkpoint: undefined,
    logEachEpoch: true,
    onLog: (step, info) => void seen.push([step, info.rates.lr]),
  });
  // 4 steps per epoch; the cosine schedule changes the rate at each epoch
  const rate = (epoch: number) => base.schedule({ step: 4 * epoch, epoch }).lr;
  assert.deepEqual(seen, [
    [0, rate(0)],
    [4, rate(0)],
    [8, rate(1)],
    [12, rate(2)],
    [16, rate(3)],
    [20, rate(4)],
  ]);
  assert.ok(new Set(seen.map(([, r]) => r)).size === 5);
});

Deno.test("train() starts the momentum from opts.state: one step moves by lr·(μ·v0 + g)", async () => {
  const base = options("unused");
  const one = { ...base, checkpoint: undefined, maxSteps: 1, data: { ...base.data } };
  delete one.data.augment;
  const zero = await train(one);
  const v0 = Object.fromEntries(
    base.step.state.map((s) => [
      s.name,
      Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, (_, i) => (i % 7) - 3),
    ]),
  );
  const moved = await train({ ...one, state: v0 });
  assert.ok(!zero.diverged && !moved.diverged);
  const lr = base.schedule({ step: 0, epoch: 0 }).lr;
  for (const p of base.step.params) {
    const a = zero.params[p.name] as Float32Array, b = moved.params[p.name] as Float32Array;
    const v = v0[`${p.name}.momentum`];
    // p' = p − lr·(μ·v0 + d): the runs differ by lr·0.9·v0 exactly, up to float32 rounding
    for (let i = 0; i < a.length; i++) {
      const diff = a[i] - b[i];
      assert.ok(Math.abs(diff - lr * 0.9 * v[i]) <= 1e-6 * (1 + Math.abs(a[i])), `${p.name}[${i}]`);
    }
  }
});

/** A checkpoint of one float32 tensor "a" after `step` updates (epoch 1, batch 0). */
const tinyCheckpoint = (step: number) => ({
  graph: "g",
  step,
  epoch: 1,
  batch: 0,
  infos: [{ name: "a", dtype: "float32" as const, shape: [2] }],
  tensors: { a: new Float32Array([1, 2]) } as Record<string, Float32Array>,
  losses: new Float64Array(step),
  accuracies: new Float64Array(step),
});

Deno.test("decodeCheckpoint() rejects another file's magic and another format version", async () => {
  const ck = tinyCheckpoint(1);
  const magic = await encodeCheckpoint(ck);
  magic[0] ^= 1;
  await assert.rejects(
    decodeCheckpoint(magic, "x.bin"),
    (e: Error) =>
      e instanceof CheckpointError && /Expected checkpoint magic "OTCK" in "x.bin"/.test(e.message),
  );
  const version = await encodeCheckpoint(ck);
  new DataView(version.buffer).setUint32(4, 2, true);
  await assert.rejects(
    decodeCheckpoint(version, "x.bin"),
    (e: Error) =>
      e instanceof CheckpointError &&
      /Expected checkpoint version 1 in "x.bin" but found 2/.test(e.message),
  );
});

Deno.test("saveCheckpoint() that fails keeps the previous checkpoint; loadCheckpoint() reports only a missing one as none", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await loadCheckpoint(dir), undefined);
    const ck = tinyCheckpoint(4);
    await saveCheckpoint(dir, ck);
    // a checkpoint that cannot be encoded (its tensor is missing) fails after the file is opened
    await assert.rejects(
      saveCheckpoint(dir, { ...ck, step: 8, tensors: {} }),
      (e: Error) => e instanceof CheckpointError && e.message === `Expected tensor "a" to save`,
    );
    assert.equal((await loadCheckpoint(dir))?.step, 4);
    // anything but a missing file is an error, not "no checkpoint"
    const odd = `${dir}/odd`;
    await Deno.mkdir(`${odd}/${CHECKPOINT_FILE}`, { recursive: true });
    await assert.rejects(loadCheckpoint(odd));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train() resumes only when asked, refuses a checkpoint whose tensors differ, and a resumed run logs only its own updates", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await train({ ...options(dir), maxSteps: 10 });
    assert.equal((await loadCheckpoint(dir))?.step, 10);
    const logged: number[] = [];
    const log = { logEvery: 1, onLog: (step: number) => void logged.push(step) };
    const fresh = await train({ ...options(dir), ...log, maxSteps: 3, checkpoint: undefined });
    const again = await train({ ...options(dir), ...log, maxSteps: 3 });
    assert.deepEqual(logged, [0, 1, 2, 3, 0, 1, 2, 3], "without resume a run starts at step 0");
    assert.ok(!fresh.diverged && !again.diverged);
    assert.deepEqual(bytes(again.losses), bytes(fresh.losses));
    logged.length = 0;
    const resumed = await train({ ...options(dir), ...log, maxSteps: 13, resume: true });
    assert.equal(resumed.step, 13);
    assert.deepEqual(logged, [11, 12, 13]);
    // the same graph name with other tensors (plain SGD keeps no momentum)
    await assert.rejects(
      train({ ...options(dir), step: mlpStep("ckpt_mlp"), resume: true }),
      CheckpointError,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train() with only checkpoint.everySteps saves at its multiples, not at epoch ends", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const saved: number[] = [];
    await train({
      ...options(dir),
      checkpoint: { dir, everySteps: 6, beforeSave: (step) => void saved.push(step) },
    });
    assert.deepEqual(saved, [6, 12, 18]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train() logs each update's loss and accuracy, at step 0, every logEvery updates and after the last", async () => {
  const seen: [number, number, number][] = [];
  const progress: number[][] = [];
  const r = await train({
    ...options("unused"),
    checkpoint: undefined,
    maxSteps: 7,
    logEvery: 3,
    onLog: (step, info) => void seen.push([step, info.loss, info.accuracy]),
    onProgress: (done, total) => void progress.push([done, total]),
  });
  assert.equal(r.diverged, false);
  if (r.diverged) return;
  assert.deepEqual(seen.map(([s]) => s), [0, 3, 6, 7]);
  assert.ok(Number.isNaN(seen[0][1]) && Number.isNaN(seen[0][2]));
  assert.equal(r.losses.length, 7);
  assert.equal(r.accuracies.length, 7);
  // batch accuracies of 8 rows are multiples of 1/8; the losses are positive cross-entropies
  for (let k = 0; k < 7; k++) {
    assert.ok(Number.isInteger(r.accuracies[k] * 8) && r.accuracies[k] <= 1, `accuracy ${k}`);
    assert.ok(r.losses[k] > 0 && Number.isFinite(r.losses[k]), `loss ${k}`);
  }
  for (const [step, loss, accuracy] of seen.slice(1)) {
    assert.equal(loss, r.losses[step - 1], `loss at ${step}`);
    assert.equal(accuracy, r.accuracies[step - 1], `accuracy at ${step}`);
  }
  assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7].map((k) => [k, 7]));
});

Deno.test("train() passes data.augment the epoch and batch index of each batch", async () => {
  const base = options("unused");
  const calls: [number, number][] = [];
  await train({
    ...base,
    checkpoint: undefined,
    maxSteps: 6,
    data: { ...base.data, augment: (xb, epoch, batch) => (calls.push([epoch, batch]), xb.slice()) },
  });
  assert.deepEqual(calls, [[0, 0], [0, 1], [0, 2], [0, 3], [1, 0], [1, 1]]);
});

Deno.test("train() rejects an epoch with another number of batches and a schedule without a graph's rate", async () => {
  const base = options("unused");
  const batches = (epoch: number) => base.data.batches(epoch).slice(0, epoch === 1 ? 3 : 4);
  await assert.rejects(
    train({ ...base, checkpoint: undefined, data: { ...base.data, batches } }),
    (e: Error) =>
      e instanceof RangeError && /Expected 4 batches in epoch 1 but found 3/.test(e.message),
  );
  await assert.rejects(
    train({ ...base, checkpoint: undefined, schedule: () => ({ eta: 0.1 }) }),
    (e: Error) =>
      e instanceof RangeError && /Expected a learning rate for input "lr"/.test(e.message),
  );
});

Deno.test("train() reports a non-finite initial parameter as divergence at step 0", async () => {
  const base = options("unused");
  const params = { ...base.params };
  const bias = Float32Array.from(params["fc1.bias"] as Float32Array);
  bias[0] = -Infinity;
  params["fc1.bias"] = bias;
  const step = mlpStep("inf_bias_mlp");
  const logged: number[] = [];
  const withLog = await train({
    ...base,
    step,
    params,
    checkpoint: undefined,
    onLog: (k) => void logged.push(k),
  });
  assert.deepEqual([withLog.diverged, withLog.step, logged], [true, 0, []]);
  // without a log, too: plain SGD keeps a bias of −∞ before a ReLU at −∞ with every loss finite,
  // so nothing but a check of θ0 itself reports step 0
  const noLog = await train({ ...base, step, params, checkpoint: undefined });
  assert.deepEqual([noLog.diverged, noLog.step, noLog.losses.length], [true, 0, 0]);
  // no update at all: the parameters returned are checked too
  const none = await train({ ...base, step, params, checkpoint: undefined, maxSteps: 0 });
  assert.deepEqual([none.diverged, none.step], [true, 0]);
});
