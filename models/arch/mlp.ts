/** Plain fully connected ReLU network (e.g. 784-512-512-512-10, 3072-2048-10). */
import type { GraphBuilder, Tensor } from "../autodiff/builder.ts";
import { denseChain, type DenseLayer } from "./dense.ts";

/** Layer sizes including input and output, e.g. [784, 512, 512, 512, 10]. */
export interface MlpSpec {
  readonly sizes: readonly number[];
  /** Adds `fc<k>.bias` to every layer (PyTorch nn.Linear default). */
  readonly bias: boolean;
}

/** Layers `fc1` … `fcL`, ReLU after every layer but the last. */
export function mlpLayers(spec: MlpSpec): DenseLayer[] {
  if (spec.sizes.length < 2) {
    throw new RangeError(`Expected at least 2 sizes but found ${spec.sizes.length}`);
  }
  const last = spec.sizes.length - 1;
  return spec.sizes.slice(1).map((fanOut, k) => ({
    name: `fc${k + 1}`,
    fanIn: spec.sizes[k],
    fanOut,
    bias: spec.bias,
    activation: k + 1 < last ? "relu" : "none",
  }));
}

/**
 * y = fcL(ReLU(… ReLU(fc1(x)))) with `fc<k>.weight` [out,in] (PyTorch layout) and optional
 * `fc<k>.bias` [out]; inputs of rank > 2 are flattened from axis 1. Returns logits [B,K].
 */
export function mlp(b: GraphBuilder, x: Tensor, spec: MlpSpec): Tensor {
  const h = x.shape.length === 2 ? x : b.emit("Flatten", [x], { axis: 1 }, { name: "flatten" });
  return denseChain(b, h, mlpLayers(spec)).at(-1)!.out;
}
