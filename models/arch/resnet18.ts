/** kuangliu/pytorch-cifar ResNet-18 (SPEC 8) with a width multiplier, PyTorch state_dict names. */
import type { GraphBuilder, Tensor } from "../autodiff/builder.ts";
import { batchNorm2d } from "./batch_norm.ts";
import { conv2d, linear } from "./conv.ts";

/** Options of `resnet18`. */
export interface ResNet18Spec {
  /** Training graph (batch statistics, running-statistics updates) or eval graph. */
  readonly training: boolean;
  /** Channel multiplier m: stage widths max(1, round(c·m)) for c = 64, 128, 256, 512 (default 1). */
  readonly width?: number;
  /** Output classes (default 10). */
  readonly classes?: number;
  /** BatchNorm momentum in PyTorch's convention (default 0.1). */
  readonly bnMomentum?: number;
}

/** Channels of the stem and the four stages for width multiplier `m`. */
export function resnet18Widths(m = 1): [number, number, number, number] {
  if (!(m > 0)) throw new RangeError(`Expected a positive width multiplier but found ${m}`);
  const [a, b, c, d] = [64, 128, 256, 512].map((w) => Math.max(1, Math.round(w * m)));
  return [a, b, c, d];
}

/**
 * BasicBlock `name`: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)); the shortcut is
 * conv 1×1 (`shortcut.0`) + BN (`shortcut.1`) when the stride or the width changes.
 */
function basicBlock(
  b: GraphBuilder,
  x: Tensor,
  name: string,
  planes: number,
  stride: number,
  spec: ResNet18Spec,
): Tensor {
  const bn = { training: spec.training, momentum: spec.bnMomentum };
  const conv3 = (t: Tensor, what: string, s: number) =>
    conv2d(b, t, `${name}.${what}`, {
      outChannels: planes,
      kernel: 3,
      stride: s,
      padding: 1,
      bias: false,
    });
  const h1 = batchNorm2d(b, conv3(x, "conv1", stride), `${name}.bn1`, bn);
  const a1 = b.emit("Relu", [h1], {}, { name: `${name}.relu1` });
  const h2 = batchNorm2d(b, conv3(a1, "conv2", 1), `${name}.bn2`, bn);
  let shortcut = x;
  if (stride !== 1 || x.shape[1] !== planes) {
    const sc = conv2d(b, x, `${name}.shortcut.0`, {
      outChannels: planes,
      kernel: 1,
      stride,
      bias: false,
    });
    shortcut = batchNorm2d(b, sc, `${name}.shortcut.1`, bn);
  }
  const sum = b.emit("Add", [h2, shortcut], {}, { name: `${name}.add` });
  return b.emit("Relu", [sum], {}, { name: `${name}.relu2` });
}

/**
 * ResNet-18 for CIFAR on x [N,3,H,W] (H = W = 32 in the recipe): 3×3 stem conv (stride 1, no
 * bias) + BN + ReLU, no max-pool; stages `layer1`…`layer4` of two BasicBlocks with strides
 * 1/2/2/2; average pool over the final map (4×4 at 32×32, as avg_pool2d(out, 4)); `linear`.
 * Returns logits [N, classes]. Parameters and buffers follow PyTorch's state_dict names and
 * order (`conv1.weight`, `bn1.weight`, …, `layer2.0.shortcut.1.running_var`, `linear.bias`).
 */
export function resnet18(b: GraphBuilder, x: Tensor, spec: ResNet18Spec): Tensor {
  if (x.shape.length !== 4 || x.shape[1] !== 3) {
    throw new RangeError(`Expected x of shape [N,3,H,W] but found [${x.shape}]`);
  }
  const widths = resnet18Widths(spec.width);
  const bn = { training: spec.training, momentum: spec.bnMomentum };
  const stem = conv2d(b, x, "conv1", {
    outChannels: widths[0],
    kernel: 3,
    padding: 1,
    bias: false,
  });
  let h = b.emit("Relu", [batchNorm2d(b, stem, "bn1", bn)], {}, { name: "relu" });
  widths.forEach((planes, s) => {
    const stride = s === 0 ? 1 : 2;
    h = basicBlock(b, h, `layer${s + 1}.0`, planes, stride, spec);
    h = basicBlock(b, h, `layer${s + 1}.1`, planes, 1, spec);
  });
  const [ph, pw] = h.shape.slice(2);
  const pooled = b.emit("AveragePool", [h], { kernel_shape: [ph, pw], strides: [ph, pw] }, {
    name: "avg_pool",
  });
  const flat = b.emit("Flatten", [pooled], { axis: 1 }, { name: "flatten" });
  return linear(b, flat, "linear", spec.classes ?? 10);
}
