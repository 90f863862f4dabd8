/** A chain of fully connected layers: the one description both forward and NTK graphs use. */
import type { GraphBuilder, Tensor } from "../autodiff/builder.ts";

/** One layer: a = act(γ · ((c · a_in) · Wᵀ + b)), W = `<name>.weight` [fanOut, fanIn]. */
export interface DenseLayer {
  /** Parameter prefix, e.g. "fc1". */
  readonly name: string;
  readonly fanIn: number;
  readonly fanOut: number;
  /** Adds `<name>.bias` [fanOut]. */
  readonly bias: boolean;
  /** Input multiplier c (default 1). */
  readonly inputScale?: number;
  /** Output multiplier γ (default 1), applied before the activation. */
  readonly outputScale?: number;
  readonly activation: "relu" | "none";
}

/** Tensors of one layer, exposed for the NTK graph. */
export interface DenseTrace {
  /** Layer input after the input multiplier: s = c · a_in [B, fanIn]. */
  readonly scaledInput: Tensor;
  /** Pre-activation after the output multiplier: z' = γ · (s · Wᵀ + b) [B, fanOut]. */
  readonly preActivation: Tensor;
  readonly weight: Tensor;
  readonly bias?: Tensor;
  readonly out: Tensor;
}

/** Emits the chain on x [B, fanIn of layer 1]; declares parameters with `b.param`. */
export function denseChain(
  b: GraphBuilder,
  x: Tensor,
  layers: readonly DenseLayer[],
): DenseTrace[] {
  const traces: DenseTrace[] = [];
  let a = x;
  layers.forEach((l, k) => {
    if (a.shape.length !== 2 || a.shape[1] !== l.fanIn) {
      throw new RangeError(`Expected input [B,${l.fanIn}] for "${l.name}" but found [${a.shape}]`);
    }
    const c = l.inputScale ?? 1;
    const gamma = l.outputScale ?? 1;
    const s = c === 1 ? a : b.emit("Mul", [a, b.scalar(`${l.name}.input_scale`, a.dtype, c)], {}, {
      name: `${l.name}/input_scaled`,
    });
    const weight = b.param(`${l.name}.weight`, a.dtype, [l.fanOut, l.fanIn]);
    const bias = l.bias ? b.param(`${l.name}.bias`, a.dtype, [l.fanOut]) : undefined;
    const z = b.emit("Gemm", bias ? [s, weight, bias] : [s, weight], { transB: 1 }, {
      name: l.name,
    });
    // NOTE: γ is a scalar initializer, not Gemm's alpha, because ONNX stores alpha as float32.
    const zs = gamma === 1
      ? z
      : b.emit("Mul", [z, b.scalar(`${l.name}.output_scale`, a.dtype, gamma)], {}, {
        name: `${l.name}/scaled`,
      });
    a = l.activation === "relu" ? b.emit("Relu", [zs], {}, { name: `act${k + 1}` }) : zs;
    traces.push({ scaledInput: s, preActivation: zs, weight, bias, out: a });
  });
  return traces;
}
