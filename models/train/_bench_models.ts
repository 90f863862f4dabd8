/** The models bench_train.ts times: two FCNs (SPEC 5.3, 5.5) and the CIFAR ResNet-18 (SPEC 8). */
import { type LossSpec, type TrainStep, trainStep } from "../autodiff/sgd.ts";
import { conv2d } from "../arch/conv.ts";
import { pytorchDefaultInit } from "../arch/init.ts";
import { mlp, mlpLayers } from "../arch/mlp.ts";
import { resnet18, resnet18Widths } from "../arch/resnet18.ts";
import { initDense } from "../init/init.ts";
import type { TensorData } from "../onnx/ir.ts";
import { STEPS_PER_CALL } from "./unroll.ts";

/** The same model for the PyTorch script (`_bench_torch.ts`) and, for an MLP, TF.js. */
export type TorchModel =
  | { readonly kind: "mlp"; readonly sizes: readonly number[]; readonly bias: boolean }
  | { readonly kind: "resnet18"; readonly classes: number; readonly width: number }
  | { readonly kind: "convs"; readonly channels: number; readonly layers: number };

/** A model to benchmark. */
export interface BenchModel {
  readonly name: string;
  /** Per-sample input shape and class count (labels are drawn uniformly). */
  readonly inputShape: readonly number[];
  readonly classes: number;
  /** Batch sizes to time. */
  readonly batches: readonly number[];
  /** Untimed steps before the timed ones (ORT grows its arena at first). */
  readonly warmup: number;
  /** Timed steps, or undefined for the bench's `--steps`. */
  readonly steps?: number;
  readonly step: (batch: number) => TrainStep;
  /** Steps per session run, as the pipeline trains this model (default 1). */
  readonly stepsPerCall?: number;
  /** Initial parameters and buffers by name. */
  readonly params: () => Record<string, TensorData>;
  /** FLOPs (2 per multiply-add) of one training step (forward + backward). */
  readonly flops: (batch: number) => number;
  readonly loss: "mse" | "ce";
  /** The same model for the PyTorch script, or undefined to skip PyTorch. */
  readonly torch?: TorchModel;
}

/** 2·B·in·out per layer forward, twice that backward (no input gradient for layer 1). */
export function mlpStepFlops(sizes: readonly number[], batch: number): number {
  let f = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    f += 2 * batch * sizes[l] * sizes[l + 1] * (l === 0 ? 2 : 3);
  }
  return f;
}

/** A fully connected ReLU network at batch 128 and 512 with Kaiming-initialised weights. */
export function fcn(name: string, sizes: number[], bias: boolean, loss: LossSpec): BenchModel {
  const spec = { sizes, bias };
  return {
    name,
    inputShape: [sizes[0]],
    classes: sizes.at(-1)!,
    batches: [128, 512],
    warmup: 2,
    stepsPerCall: STEPS_PER_CALL,
    step: (batch) =>
      trainStep({
        name,
        dtype: "float32",
        batch,
        inputShape: [sizes[0]],
        forward: (b, x) => mlp(b, x, spec),
        loss,
      }),
    params: () => initDense(mlpLayers(spec), { rule: "kaiming", seed: 0, dtype: "float32" }),
    flops: (batch) => mlpStepFlops(sizes, batch),
    loss: loss.kind === "mse" ? "mse" : "ce",
    torch: { kind: "mlp", sizes, bias },
  };
}

/**
 * Multiply-add FLOPs of a CIFAR ResNet-18 training step on 32×32 images at width multiplier
 * `width`: each conv and the linear layer three times (forward, input and weight gradient), the
 * stem twice.
 */
export function resnet18StepFlops(batch: number, classes = 10, width = 1): number {
  const widths = resnet18Widths(width);
  // [in, out, k, output side]
  const convs: [number, number, number, number][] = [[3, widths[0], 3, 32]];
  let [cin, side] = [widths[0], 32];
  widths.forEach((planes, s) => {
    const stride = s === 0 ? 1 : 2;
    side /= stride;
    convs.push([cin, planes, 3, side], [planes, planes, 3, side]);
    if (stride !== 1 || cin !== planes) convs.push([cin, planes, 1, side]);
    convs.push([planes, planes, 3, side], [planes, planes, 3, side]);
    cin = planes;
  });
  const macs = convs.map(([i, o, k, hw], l) => i * o * k * k * hw * hw * (l === 0 ? 2 : 3));
  return 2 * batch * (macs.reduce((a, m) => a + m, 0) + 3 * widths[3] * classes);
}

/**
 * kuangliu's CIFAR ResNet-18 at batch 128 with SGD momentum and weight decay: full width (the
 * paper's), or width 1/8, the model of Figure 3's default scale (stages/figure3_runs.ts).
 */
function resnet18Bench(width: number): BenchModel {
  const name = width === 1 ? "cifar_resnet18" : `cifar_resnet18_x${width}`;
  return {
    name,
    inputShape: [3, 32, 32],
    classes: 10,
    batches: [128],
    warmup: width === 1 ? 1 : 3,
    steps: width === 1 ? 5 : 20,
    step: (batch) =>
      trainStep({
        name,
        dtype: "float32",
        batch,
        inputShape: [3, 32, 32],
        forward: (b, x) => resnet18(b, x, { training: true, width }),
        loss: { kind: "softmax_ce", labels: "index" },
        sgd: { momentum: 0.9, weightDecay: 5e-4 },
      }),
    params() {
      const st = this.step(2);
      return pytorchDefaultInit([...st.params, ...st.buffers], { seed: 1 });
    },
    flops: (batch) => resnet18StepFlops(batch, 10, width),
    loss: "ce",
    torch: { kind: "resnet18", classes: 10, width },
  };
}

/**
 * Two 3×3 convolutions, 64 → 64 channels on 32×32 with padding 1, no bias, at batch 64 (the layer
 * of ../shared/ORT.md), under the half-MSE loss to a one-hot target: a step runs both convs
 * forward, both weight gradients and the second one's input gradient, 5 × 2·64·1024·64·64·9 FLOPs.
 */
const convLayers: BenchModel = (() => {
  const [c, side, layers] = [64, 32, 2];
  const spec = { outChannels: c, kernel: 3, padding: 1, bias: false };
  const step = (batch: number) =>
    trainStep({
      name: "conv3x3_64ch_32px_x2",
      dtype: "float32",
      batch,
      inputShape: [c, side, side],
      forward: (b, x) => {
        let h = x;
        for (let l = 1; l <= layers; l++) h = conv2d(b, h, `conv${l}`, spec);
        return b.emit("Flatten", [h], { axis: 1 }, { name: "flat" });
      },
      loss: { kind: "mse" },
    });
  return {
    name: "conv3x3_64ch_32px_x2",
    inputShape: [c, side, side],
    classes: c * side * side,
    batches: [64],
    warmup: 1,
    steps: 5,
    step,
    params: () => pytorchDefaultInit(step(1).params, { seed: 1 }),
    flops: (batch) => (3 * layers - 1) * 2 * batch * side * side * c * c * 9,
    loss: "mse",
    torch: { kind: "convs", channels: c, layers },
  };
})();

/** Models benchmarked by default. */
export const BENCH_MODELS: readonly BenchModel[] = [
  fcn("mnist_fcn_784-512x3-10", [784, 512, 512, 512, 10], false, { kind: "mse", accuracy: true }),
  fcn("cifar_fcn_3072-2048-10", [3072, 2048, 10], true, { kind: "softmax_ce", labels: "index" }),
  convLayers,
  resnet18Bench(1),
  resnet18Bench(0.125),
];
