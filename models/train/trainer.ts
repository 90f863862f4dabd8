/** The training loop over an onnxruntime-node training-step graph. */
import type { TrainStep } from "../autodiff/sgd.ts";
import type { TensorData } from "../onnx/ir.ts";
import { BatchFeeder, type DataSource } from "./batch_feed.ts";
import { type Checkpoint, CheckpointError, loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import { ParamStore } from "./param_store.ts";
import type { LrSchedule, Rates } from "./schedule.ts";
import { disposeValue, type ExecutionProvider, Session, type Value } from "./session.ts";
import { stepTensor, unrollStep } from "./unroll.ts";

/** What a log callback sees after `step` updates. */
export interface LogInfo {
  /** Epoch of the next batch (at an epoch boundary: the number of completed epochs). */
  readonly epoch: number;
  /** Loss (and accuracy) of the update that produced these parameters; NaN at step 0. */
  readonly loss: number;
  readonly accuracy: number;
  /** Rates of the update that produced these parameters (the first rates at step 0). */
  readonly rates: Rates;
  /** Host copies of the parameters θ_step and of the optimizer state and buffers. */
  readonly params: Readonly<Record<string, TensorData>>;
  readonly state: Readonly<Record<string, TensorData>>;
}

/** Options of {@link train}. */
export interface TrainOptions {
  readonly step: TrainStep;
  /** Initial parameters (and buffers, if the step has any) by name; momentum defaults to zeros. */
  readonly params: Readonly<Record<string, TensorData>>;
  readonly state?: Readonly<Record<string, TensorData>>;
  readonly data: DataSource;
  readonly schedule: LrSchedule;
  readonly epochs: number;
  /** Stop after this many updates in total (default: all epochs). */
  readonly maxSteps?: number;
  readonly ep?: ExecutionProvider;
  readonly threads?: number;
  /**
   * Calls `onLog` at step 0, every `logEvery` updates and after the last one, and with
   * `logEachEpoch` also after the last update of every epoch (once where the two coincide).
   */
  readonly logEvery?: number;
  readonly logEachEpoch?: boolean;
  readonly onLog?: (step: number, info: LogInfo) => void | Promise<void>;
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Checkpoint folder; saved every `everySteps` updates and/or after each epoch. `beforeSave`
   * runs before each checkpoint is written (after that step's `onLog`): whatever a caller keeps
   * beside the checkpoint (its logs) saved there is never older than the checkpoint, so a resumed
   * run loses none of it.
   */
  readonly checkpoint?: {
    readonly dir: string;
    readonly everySteps?: number;
    readonly eachEpoch?: boolean;
    readonly beforeSave?: (step: number) => void | Promise<void>;
  };
  /** Continue from the checkpoint in `checkpoint.dir` when there is one. */
  readonly resume?: boolean;
  /**
   * Updates per session run (default 1). With k > 1, runs of up to k steps chained in one graph
   * (`unrollStep`) fill the stretches between logs, checkpoints, epoch ends and the last step,
   * so that the parameters cross into JavaScript and are checked for NaN and Inf once per run.
   * The results are bit-identical to k = 1; a run whose losses or final values are not all
   * finite is made again step by step, so that a divergence is reported at the same step.
   */
  readonly stepsPerCall?: number;
}

/** Histories of a run: per-update batch loss and accuracy (NaN without an accuracy output). */
interface History {
  readonly losses: Float64Array;
  readonly accuracies: Float64Array;
}

/** A finished run, or one stopped because a loss or parameter stopped being finite. */
export type TrainResult =
  | (History & {
    readonly diverged: false;
    readonly step: number;
    readonly params: Record<string, TensorData>;
    /** Momentum buffers and BatchNorm-style buffers after the last update. */
    readonly state: Record<string, TensorData>;
  })
  | (History & { readonly diverged: true; readonly step: number; readonly message: string });

/**
 * Runs `epochs` epochs (or `maxSteps` updates) of the step graph: feeds θ_k, the batch and
 * the scheduled rates, takes `<param>_next` as θ_{k+1}. A non-finite loss of θ_k or a
 * non-finite θ_k ends the run with `{ diverged: true, step: k }`.
 */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  const { step: ts, data } = opts;
  const graph = ts.graph;
  const input = (n: string) => graph.inputs.find((v) => v.name === n)!;
  const k = opts.stepsPerCall ?? 1;
  if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(`Expected stepsPerCall to be a whole number >= 1 but found ${k}`);
  }
  // one feeder per step of a run: each fills buffers of its own
  const feeders = Array.from({ length: k }, () => new BatchFeeder(data, input("x"), input("y")));
  // Buffers (BatchNorm running statistics) travel like parameters: fed, replaced by `_next`.
  const buffers = ts.buffers ?? [];
  const infos = [...ts.params, ...ts.state, ...buffers];
  const perEpoch = data.batches(0).length;
  const total = Math.min(opts.epochs * perEpoch, opts.maxSteps ?? Infinity);
  const ckDir = opts.checkpoint?.dir;
  const ck = opts.resume && ckDir ? await loadCheckpoint(ckDir) : undefined;
  if (ck) checkMatches(ck, graph.name, infos);
  const init = ck?.tensors ?? { ...zeros(ts.state), ...opts.state, ...opts.params };
  const ep = opts.ep ?? "cpu";
  const store = new ParamStore(infos, init, ep, opts.threads ?? 0);
  const open = (g: typeof graph) =>
    Session.create(g, { ep, threads: opts.threads, deviceOutputs: store.nextNames });
  const session = await open(graph);
  // sessions of unrolled graphs by their number of steps, opened when first needed
  const unrolled = new Map<number, Session>();
  const sessionOf = async (n: number) => {
    if (n === 1) return session;
    if (!unrolled.has(n)) unrolled.set(n, await open(unrollStep(ts, n)));
    return unrolled.get(n)!;
  };
  const losses = new Float64Array(total).fill(NaN);
  const accuracies = new Float64Array(total).fill(NaN);
  if (ck) {
    losses.set(ck.losses.subarray(0, total));
    accuracies.set(ck.accuracies.subarray(0, total));
  }
  let step = ck?.step ?? 0;
  let epoch = ck?.epoch ?? 0;
  let batch = ck?.batch ?? 0;
  const history = () => ({ losses: losses.slice(0, step), accuracies: accuracies.slice(0, step) });
  const diverged = (k: number): TrainResult => ({
    diverged: true,
    step: k,
    message: `Diverged at step ${k}`,
    losses: losses.slice(0, k),
    accuracies: accuracies.slice(0, k),
  });
  const checkpointNow = async () => {
    const tensors = await store.host();
    await saveCheckpoint(ckDir!, { ...checkpointBase(), tensors });
  };
  const checkpointBase = () => ({
    graph: graph.name,
    step,
    epoch,
    batch,
    infos,
    losses: losses.slice(0, step),
    accuracies: accuracies.slice(0, step),
  });
  let lastRates = opts.schedule({ step, epoch });
  const log = async () => {
    if (!opts.onLog) return;
    const all = await store.host();
    if (!finiteAll(all)) return "diverged";
    await opts.onLog(step, {
      params: pick(all, ts.params),
      state: pick(all, [...ts.state, ...buffers]),
      epoch,
      loss: step > 0 ? losses[step - 1] : NaN,
      accuracy: step > 0 ? accuracies[step - 1] : NaN,
      rates: lastRates,
    });
  };
  const every = opts.logEvery ?? 0;
  const ce = opts.checkpoint;
  // steps up to which a failed unrolled run is being made again one step at a time
  let stepwiseUntil = 0;
  // the steps the next session run makes: up to k, never past a log, checkpoint or epoch end
  const epochEnds = opts.logEachEpoch || ce?.eachEpoch;
  const stepsOfNextRun = () => {
    if (step < stepwiseUntil) return 1;
    let n = Math.min(k, total - step);
    if (epochEnds) n = Math.min(n, perEpoch - batch);
    if (every > 0) n = Math.min(n, every - (step % every));
    if (ce?.everySteps) n = Math.min(n, ce.everySteps - (step % ce.everySteps));
    return n;
  };
  const batchesOf = (e: number) => {
    const rows = data.batches(e);
    if (rows.length !== perEpoch) {
      throw new RangeError(`Expected ${perEpoch} batches in epoch ${e} but found ${rows.length}`);
    }
    return rows;
  };
  try {
    // θ0 is checked whether or not anything logs it
    if (step === 0) {
      const bad = opts.onLog ? (await log()) === "diverged" : !finiteAll(await store.host());
      if (bad) return diverged(0);
    }
    while (step < total) {
      // the feeds of the next n steps, which may cross epoch ends that nothing waits for
      const n = stepsOfNextRun();
      const feeds: Record<string, Value> = store.feeds();
      const rates: Rates[] = [];
      let [e, b] = [epoch, batch];
      let rows = batchesOf(e);
      for (let s = 0; s < n; s++) {
        const name = (t: string) => (n === 1 ? t : stepTensor(s, t));
        rates.push(opts.schedule({ step: step + s, epoch: e }));
        const { x, y } = feeders[s].feeds(rows[b]);
        feeds[name("x")] = data.augment ? data.augment(x as Float32Array | Float64Array, e, b) : x;
        feeds[name("y")] = y;
        for (const lr of ts.lrInputs) feeds[name(lr)] = rateFeed(rates[s], lr, input(lr).dtype);
        if (++b === perEpoch && s + 1 < n) [e, b, rows] = [e + 1, 0, batchesOf(e + 1)];
      }
      const out = await (await sessionOf(n)).run(feeds);
      const scalar = (s: number, t: string) => {
        const v = out[n === 1 ? t : stepTensor(s, t)] as TensorData | undefined;
        return v === undefined ? NaN : Number(v[0]);
      };
      if (n > 1) {
        const finite = rates.every((_, s) => Number.isFinite(scalar(s, "loss")));
        if (!finite || !store.finiteOutputs(out)) {
          for (const name of store.nextNames) disposeValue(out[name]);
          stepwiseUntil = step + n;
          continue;
        }
      }
      for (let s = 0; s < n; s++) {
        lastRates = rates[s];
        losses[step + s] = scalar(s, "loss");
        if (!Number.isFinite(losses[step + s])) return diverged(step + s);
        accuracies[step + s] = scalar(s, "accuracy");
      }
      store.update(out);
      step += n;
      const endOfEpoch = b === perEpoch;
      [epoch, batch] = endOfEpoch ? [e + 1, 0] : [e, b];
      // a run of several steps had its outputs checked before they were taken
      if (n === 1 && !store.finiteOnHost()) return diverged(step);
      opts.onProgress?.(step, total);
      if (
        (every > 0 && step % every === 0) || step === total || (opts.logEachEpoch && endOfEpoch)
      ) {
        if ((await log()) === "diverged") return diverged(step);
      }
      if (ce && ((ce.everySteps && step % ce.everySteps === 0) || (ce.eachEpoch && endOfEpoch))) {
        await ce.beforeSave?.(step);
        await checkpointNow();
      }
    }
    const final = await store.host();
    if (!finiteAll(final)) return diverged(step);
    const params = pick(final, ts.params);
    const state = pick(final, [...ts.state, ...buffers]);
    return { diverged: false, step, params, state, ...history() };
  } finally {
    await store.release();
    await session.release();
    for (const u of unrolled.values()) await u.release();
  }
}

function rateFeed(rates: Rates, name: string, dtype: string): TensorData {
  const r = rates[name];
  if (typeof r !== "number") throw new RangeError(`Expected a learning rate for input "${name}"`);
  return dtype === "float32" ? new Float32Array([r]) : new Float64Array([r]);
}

function zeros(infos: TrainStep["state"]): Record<string, TensorData> {
  return Object.fromEntries(infos.map((v) => {
    const n = v.shape.reduce((a, d) => a * d, 1);
    return [v.name, v.dtype === "float32" ? new Float32Array(n) : new Float64Array(n)];
  }));
}

function pick(
  all: Readonly<Record<string, TensorData>>,
  infos: TrainStep["params"],
): Record<string, TensorData> {
  return Object.fromEntries(infos.map((v) => [v.name, all[v.name]]));
}

function finiteAll(values: Readonly<Record<string, TensorData>>): boolean {
  for (const v of Object.values(values)) {
    if (!(v instanceof Float32Array || v instanceof Float64Array)) continue;
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  }
  return true;
}

function checkMatches(ck: Checkpoint, graph: string, infos: TrainStep["params"]): void {
  const want = JSON.stringify(infos.map((v) => [v.name, v.dtype, v.shape]));
  const got = JSON.stringify(ck.infos.map((v) => [v.name, v.dtype, v.shape]));
  if (ck.graph !== graph || want !== got) {
    throw new CheckpointError(
      `Expected a checkpoint of graph "${graph}" with tensors ${want} but found "${ck.graph}" with ${got}`,
    );
  }
}
