/** Forward builders for the two-layer networks of SPEC 1.1 and 5.1 (no biases). */
import type { GraphBuilder, Tensor } from "../autodiff/mod.ts";
import { denseChain, type DenseLayer } from "./dense.ts";

/** Options of the two-layer linear network f(x) = γ Σ_i u_i w_i x. */
export interface TwoLayerLinearSpec {
  readonly width: number;
  readonly gamma: number;
}

/** Layers of the linear network: w = `fc1.weight` [d,1], u = `fc2.weight` [1,d]. */
export function twoLayerLinearLayers(spec: TwoLayerLinearSpec): DenseLayer[] {
  return [
    { name: "fc1", fanIn: 1, fanOut: spec.width, bias: false, activation: "none" },
    {
      name: "fc2",
      fanIn: spec.width,
      fanOut: 1,
      bias: false,
      outputScale: spec.gamma,
      activation: "none",
    },
  ];
}

/** Two-layer linear network on scalar inputs x [B,1]: f = γ·(x·wᵀ)·uᵀ, returns [B,1]. */
export function twoLayerLinear(b: GraphBuilder, x: Tensor, spec: TwoLayerLinearSpec): Tensor {
  if (x.shape.length !== 2 || x.shape[1] !== 1) {
    throw new RangeError(`Expected x of shape [B,1] but found [${x.shape}]`);
  }
  return denseChain(b, x, twoLayerLinearLayers(spec)).at(-1)!.out;
}

/** Options of the two-layer ReLU network f(x) = γ Σ_i u_i ReLU(c·w_i·x). */
export interface TwoLayerReluSpec {
  readonly width: number;
  readonly gamma: number;
  /** Input multiplier c: 1/√D for the "standard" family, 1 for Kaiming and Xavier. */
  readonly inputScale: number;
}

/** Layers of the ReLU network: W = `fc1.weight` [d,D], u = `fc2.weight` [1,d]. */
export function twoLayerReluLayers(spec: TwoLayerReluSpec, inputDim: number): DenseLayer[] {
  return [
    {
      name: "fc1",
      fanIn: inputDim,
      fanOut: spec.width,
      bias: false,
      inputScale: spec.inputScale,
      activation: "relu",
    },
    {
      name: "fc2",
      fanIn: spec.width,
      fanOut: 1,
      bias: false,
      outputScale: spec.gamma,
      activation: "none",
    },
  ];
}

/** Two-layer ReLU network on x [B,D]: f = γ·ReLU((c·x)·Wᵀ)·uᵀ, returns [B,1]. */
export function twoLayerRelu(b: GraphBuilder, x: Tensor, spec: TwoLayerReluSpec): Tensor {
  return denseChain(b, x, twoLayerReluLayers(spec, x.shape[1])).at(-1)!.out;
}
