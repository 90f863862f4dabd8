/**
 * Shared fixtures of the trainer tests: the solvable two-layer linear network through ORT, a small
 * MLP's evaluation graph, a tiny ResNet-18 step, a step with a counting buffer and Gaussian blobs.
 */
import { GraphBuilder } from "../autodiff/builder.ts";
import { mseLoss } from "../autodiff/losses.ts";
import { type LossSpec, type TrainStep, trainStep } from "../autodiff/sgd.ts";
import { pytorchDefaultInit } from "../arch/init.ts";
import { mlp, type MlpSpec } from "../arch/mlp.ts";
import { resnet18 } from "../arch/resnet18.ts";
import { twoLayerLinear } from "../arch/two_layer.ts";
import { type Graph, sizeOf, type TensorData } from "../onnx/ir.ts";
import { evalStep } from "./evaluate.ts";
import { createRng } from "../rng.ts";
import type { DataSource } from "./batch_feed.ts";

/** Learning-rate groups of the linear network: η_u drives u = fc2, η_w drives w = fc1. */
export const LINEAR_GROUPS = { eta_u: ["fc2.weight"], eta_w: ["fc1.weight"] };

/** Full-batch float64 step of f(x) = γ (u·w) x on n scalar inputs. */
export function linearStep(d: number, gamma: number, n: number, inputDim = 1): TrainStep {
  return trainStep({
    name: `linear_d${d}`,
    dtype: "float64",
    batch: n,
    inputShape: [inputDim],
    forward: (b, x) => twoLayerLinear(b, x, { width: d, gamma, inputDim }),
    loss: { kind: "mse" },
    lrGroups: LINEAR_GROUPS,
  });
}

/** n scalar inputs with m2 = E[x²] = 1 exactly (up to rounding) and targets y = a·x. */
export function linearData(n: number, a: number, seed: number): DataSource {
  const rng = createRng(seed);
  const x = Float64Array.from({ length: n }, () => rng.normal());
  const m2 = x.reduce((s, v) => s + v * v, 0) / n;
  for (let i = 0; i < n; i++) x[i] /= Math.sqrt(m2);
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  return { count: n, x, y: x.map((v) => a * v), batches: () => [all] };
}

/** Plain float64 full-batch gradient descent on the data (the reference loop). */
export function referenceGd(
  u0: Float64Array,
  w0: Float64Array,
  gamma: number,
  etaU: number,
  etaW: number,
  data: { x: Float64Array; y: Float64Array },
  steps: number,
): { u: Float64Array; w: Float64Array; losses: Float64Array; divergedAt: number | null } {
  const u = u0.slice();
  const w = w0.slice();
  const n = data.x.length;
  const losses = new Float64Array(steps);
  for (let k = 0; k < steps; k++) {
    let uw = 0;
    for (let j = 0; j < u.length; j++) uw += u[j] * w[j];
    const g = gamma * uw;
    // L = 1/(2n) Σ (g x_i − y_i)², r = 1/n Σ (g x_i − y_i) x_i = ∂L/∂g
    let loss = 0;
    let r = 0;
    for (let i = 0; i < n; i++) {
      const e = g * data.x[i] - data.y[i];
      loss += e * e;
      r += e * data.x[i];
    }
    losses[k] = loss / (2 * n);
    if (!Number.isFinite(losses[k])) return { u, w, losses, divergedAt: k };
    r /= n;
    for (let j = 0; j < u.length; j++) {
      const uj = u[j];
      u[j] = uj - etaU * gamma * r * w[j];
      w[j] = w[j] - etaW * gamma * r * uj;
    }
    if (![...u, ...w].every(Number.isFinite)) return { u, w, losses, divergedAt: k + 1 };
  }
  return { u, w, losses, divergedAt: null };
}

/** Largest absolute difference of two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Gaussian blobs: `classes` clusters in `dim` dimensions, `count` rows, float32 inputs. */
export function blobs(
  count: number,
  dim: number,
  classes: number,
  seed: number,
): { x: Float32Array; y: Uint8Array } {
  const rng = createRng(seed);
  const centres = Float64Array.from({ length: classes * dim }, () => 2 * rng.normal());
  const x = new Float32Array(count * dim);
  const y = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    y[i] = i % classes;
    for (let j = 0; j < dim; j++) x[i * dim + j] = centres[y[i] * dim + j] + rng.normal();
  }
  return { x, y };
}

/** The float32 evaluation graph of an MLP on 16 features (`evaluate()`'s `build`). */
export function mlpEval(spec: MlpSpec, loss: LossSpec): (batch: number) => Graph {
  return (batch) =>
    evalStep({
      name: "mlp_eval",
      dtype: "float32",
      batch,
      inputShape: [16],
      forward: (b, x) => mlp(b, x, spec),
      loss,
    });
}

/**
 * A training step of ResNet-18 at width 1/16 on 32×32 images (SGD momentum 0.9, weight decay
 * 5e-4): the stem and stages 1 and 2 take per-image weight-gradient paths (split taps, and the
 * one-hot im2col for stage 2's stride-2 Conv).
 */
export function tinyResnetStep(name: string, batch: number): TrainStep {
  return trainStep({
    name,
    dtype: "float32",
    batch,
    inputShape: [3, 32, 32],
    forward: (b, x) => resnet18(b, x, { training: true, width: 1 / 16 }),
    loss: { kind: "softmax_ce", labels: "index" },
    sgd: { momentum: 0.9, weightDecay: 5e-4 },
  });
}

/**
 * Feeds of a batch-2 `tinyResnetStep`: PyTorch-default parameters (seed 2), lr 0.05, images drawn
 * from `rng`, labels 3 and 7, zero momenta.
 */
export function tinyResnetFeeds(
  step: TrainStep,
  rng: { normal(): number },
): Record<string, TensorData> {
  const feeds: Record<string, TensorData> = {
    ...pytorchDefaultInit([...step.params, ...step.buffers], { seed: 2 }),
    lr: new Float32Array([0.05]),
    x: Float32Array.from({ length: 2 * 3 * 32 * 32 }, () => rng.normal()),
    y: BigInt64Array.from([3n, 7n]),
  };
  for (const v of step.state) feeds[v.name] = new Float32Array(sizeOf(v.shape));
  return feeds;
}

/**
 * A hand-built full-batch float64 step with one parameter (y ≈ p·x on two rows) and one buffer
 * counting the updates, standing in for BatchNorm running statistics: fed as an input, replaced
 * by `<buffer>_next`. With `countRate`, the buffer grows by a rate input `lr_count` instead of 1:
 * a tensor the loss never reads, which a rate of Infinity makes non-finite with the loss finite.
 */
export function countingStep(opts: { countRate?: boolean } = {}): TrainStep {
  const b = new GraphBuilder("counting");
  const x = b.input("x", "float64", [2, 1]);
  const y = b.input("y", "float64", [2, 1]);
  const lr = b.input("lr", "float64", []);
  const p = b.input("p", "float64", [1, 1]);
  const count = b.input("count", "float64", [1]);
  const pred = b.emit("MatMul", [x, p], {}, { name: "pred" });
  const loss = mseLoss(b, pred, y);
  // ∂L/∂p = xᵀ(xp − y)/B
  const r = b.emit("Sub", [pred, y], {}, { name: "resid" });
  const g = b.emit("Gemm", [x, r], { transA: 1, alpha: 0.5 }, { name: "grad" });
  b.output(
    b.emit("Sub", [p, b.emit("Mul", [lr, g], {}, { name: "step" })], {}, { name: "p_next" }),
  );
  const by = opts.countRate ? b.input("lr_count", "float64", []) : b.scalar("one", "float64", 1);
  b.output(b.emit("Add", [count, by], {}, { name: "count_next" }));
  b.output(loss);
  const graph = b.build();
  const info = (n: string) => graph.inputs.find((v) => v.name === n)!;
  const lrInputs = opts.countRate ? ["lr", "lr_count"] : ["lr"];
  return { graph, params: [info("p")], state: [], buffers: [info("count")], lrInputs };
}

/** The two rows countingStep fits (y = 3x), one full batch per epoch. */
export function countingData(): DataSource {
  return {
    count: 2,
    x: new Float64Array([1, 2]),
    y: new Float64Array([3, 6]),
    batches: () => [[0, 1]],
  };
}
