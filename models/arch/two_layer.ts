/** Forward builders for the two-layer networks of SPEC 1.1 and 5.1 (no biases). */
import type { GraphBuilder, Tensor } from "../autodiff/builder.ts";
import { denseChain, type DenseLayer } from "./dense.ts";

/** Options of the two-layer linear network f(x) = γ Σ_i u_i w_i x (γ u·W x for vector x). */
export interface TwoLayerLinearSpec {
  readonly width: number;
  readonly gamma: number;
  /** Input dimension d0 (default 1, the scalar model of SPEC 1.1): W = `fc1.weight` is [d, d0]. */
  readonly inputDim?: number;
}

/** Layers of the linear network: W = `fc1.weight` [d,d0] (w for d0 = 1), u = `fc2.weight` [1,d]. */
export function twoLayerLinearLayers(spec: TwoLayerLinearSpec): DenseLayer[] {
  return [
    {
      name: "fc1",
      fanIn: spec.inputDim ?? 1,
      fanOut: spec.width,
      bias: false,
      activation: "none",
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

/**
 * Two-layer linear network on inputs x [B,d0] (d0 = 1: scalar inputs): f = γ·(x·Wᵀ)·uᵀ, returns
 * [B,1]. With every input on one line x = ξ·e (|e| = 1), only w := W e moves and g = γ u·w
 * follows the scalar model's exact solution (SPEC 1.1).
 */
export function twoLayerLinear(b: GraphBuilder, x: Tensor, spec: TwoLayerLinearSpec): Tensor {
  const d0 = spec.inputDim ?? 1;
  if (x.shape.length !== 2 || x.shape[1] !== d0) {
    throw new RangeError(`Expected x of shape [B,${d0}] but found [${x.shape}]`);
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
