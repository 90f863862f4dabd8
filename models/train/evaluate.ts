/** Forward-only evaluation graphs and a batched evaluation helper. */
import { GraphBuilder, type Tensor } from "../autodiff/builder.ts";
import { batchAccuracy, mseLoss, softmaxCrossEntropy } from "../autodiff/losses.ts";
import type { LossSpec } from "../autodiff/sgd.ts";
import type { Graph, TensorData } from "../onnx/ir.ts";
import { BatchFeeder, type Rows } from "./batch_feed.ts";
import { type ExecutionProvider, Session } from "./session.ts";

/** What an evaluation graph needs: the forward builder and loss of the training step. */
export interface EvalSpec {
  readonly name: string;
  readonly dtype: "float32" | "float64";
  readonly batch: number;
  readonly inputShape: readonly number[];
  readonly forward: (b: GraphBuilder, x: Tensor) => Tensor;
  readonly loss: LossSpec;
}

/**
 * Builds forward + loss without backward. Inputs `x`, parameters, `y` (same conventions as
 * `trainStep`); outputs `output` [B, K], `loss` (batch mean) and, for classification or
 * `accuracy: true`, `accuracy`.
 */
export function evalStep(spec: EvalSpec): Graph {
  const b = new GraphBuilder(spec.name);
  const x = b.input("x", spec.dtype, [spec.batch, ...spec.inputShape]);
  const out = b.output(spec.forward(b, x), "output");
  const y = spec.loss.kind === "softmax_ce" && spec.loss.labels === "index"
    ? b.input("y", "int64", [spec.batch])
    : b.input("y", spec.dtype, out.shape);
  b.output(spec.loss.kind === "mse" ? mseLoss(b, out, y) : softmaxCrossEntropy(b, out, y));
  if (spec.loss.kind === "softmax_ce" || spec.loss.accuracy) b.output(batchAccuracy(b, out, y));
  return b.build();
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Builds the evaluation graph for a batch size (called for the batch and the tail). */
  readonly build: (batch: number) => Graph;
  readonly params: Readonly<Record<string, TensorData>>;
  readonly data: Rows;
  readonly batchSize: number;
  readonly ep?: ExecutionProvider;
  readonly threads?: number;
}

/** Mean loss and accuracy over a data set (accuracy NaN when the graph has none). */
export interface EvalResult {
  readonly loss: number;
  readonly accuracy: number;
  readonly count: number;
}

/**
 * The batch sizes {@link evaluate} builds graphs for on `n` rows in batches of `batchSize`: the
 * batch (or `n`, if smaller) and, where it does not divide `n`, the tail.
 *
 * @example
 * ```ts
 * evalBatchSizes(10000, 1000); // [1000]
 * evalBatchSizes(5000, 128); // [128, 8]
 * evalBatchSizes(50, 100); // [50]
 * ```
 */
export function evalBatchSizes(n: number, batchSize: number): number[] {
  const main = Math.min(batchSize, n);
  return n % main === 0 ? [main] : [main, n % main];
}

/**
 * Runs the graph over the rows in data order, in batches of `batchSize` plus one graph for a
 * smaller tail, and averages batch means weighted by batch size (exact dataset means).
 */
export async function evaluate(opts: EvaluateOptions): Promise<EvalResult> {
  const n = opts.data.count;
  if (!(Number.isInteger(opts.batchSize) && opts.batchSize > 0 && n > 0)) {
    throw new RangeError(
      `Expected a positive batch size and rows but found ${opts.batchSize}, ${n}`,
    );
  }
  const sizes = evalBatchSizes(n, opts.batchSize);
  const main = sizes[0];
  const runners = new Map<number, { session: Session; feeder: BatchFeeder }>();
  let loss = 0;
  let correct = 0;
  try {
    for (const s of sizes) {
      const graph = opts.build(s);
      const info = (name: string) => graph.inputs.find((v) => v.name === name)!;
      const session = await Session.create(graph, {
        ep: opts.ep,
        threads: opts.threads,
        spin: false,
      });
      runners.set(s, { session, feeder: new BatchFeeder(opts.data, info("x"), info("y")) });
    }
    for (let at = 0; at < n;) {
      const s = Math.min(main, n - at);
      const r = runners.get(s)!;
      const idx = Uint32Array.from({ length: s }, (_, k) => at + k);
      const out = await r.session.run({ ...opts.params, ...r.feeder.feeds(idx) });
      loss += s * Number((out.loss as TensorData)[0]);
      correct += out.accuracy === undefined ? NaN : s * Number((out.accuracy as TensorData)[0]);
      at += s;
    }
  } finally {
    for (const r of runners.values()) await r.session.release();
  }
  return { loss: loss / n, accuracy: correct / n, count: n };
}
