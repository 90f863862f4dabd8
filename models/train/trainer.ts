/** The training loop over an onnxruntime-node training-step graph. */
import type { TrainStep } from "../autodiff/mod.ts";
import type { TensorData } from "../onnx/mod.ts";
import { BatchFeeder, type DataSource } from "./batch_feed.ts";
import { type Checkpoint, CheckpointError, loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import { ParamStore } from "./param_store.ts";
import type { LrSchedule, Rates } from "./schedule.ts";
import { type ExecutionProvider, Session, type Value } from "./session.ts";

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
  const feeder = new BatchFeeder(data, input("x"), input("y"));
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
  const session = await Session.create(graph, {
    ep,
    threads: opts.threads,
    deviceOutputs: store.nextNames,
  });
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
  try {
    if (step === 0 && (await log()) === "diverged") return diverged(0);
    while (step < total) {
      const rows = data.batches(epoch);
      if (rows.length !== perEpoch) {
        throw new RangeError(
          `Expected ${perEpoch} batches in epoch ${epoch} but found ${rows.length}`,
        );
      }
      const rates = opts.schedule({ step, epoch });
      lastRates = rates;
      const batchFeeds = feeder.feeds(rows[batch]);
      if (data.augment) {
        batchFeeds.x = data.augment(batchFeeds.x as Float32Array | Float64Array, epoch, batch);
      }
      const feeds: Record<string, Value> = { ...store.feeds(), ...batchFeeds };
      for (const name of ts.lrInputs) feeds[name] = rateFeed(rates, name, input(name).dtype);
      const out = await session.run(feeds);
      const loss = Number((out.loss as TensorData)[0]);
      if (!Number.isFinite(loss)) return diverged(step);
      losses[step] = loss;
      if (out.accuracy !== undefined) accuracies[step] = Number((out.accuracy as TensorData)[0]);
      store.update(out);
      step++;
      batch++;
      const endOfEpoch = batch === perEpoch;
      if (endOfEpoch) [epoch, batch] = [epoch + 1, 0];
      if (!store.finiteOnHost()) return diverged(step);
      opts.onProgress?.(step, total);
      const every = opts.logEvery ?? 0;
      if (
        (every > 0 && step % every === 0) || step === total || (opts.logEachEpoch && endOfEpoch)
      ) {
        if ((await log()) === "diverged") return diverged(step);
      }
      const ce = opts.checkpoint;
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
