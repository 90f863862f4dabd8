/** Seeded weight initialisation of dense chains (SPEC 5.1, 5.3, 5.5), bit-reproducible. */
import type { DenseLayer } from "../arch/dense.ts";
import type { TensorData } from "../onnx/ir.ts";
import { createRng } from "../rng.ts";

/**
 * Initialisation rule of a weight W [fanOut, fanIn]:
 * `standard` N(0, 1); `kaiming` fan-in normal N(0, gain²/fanIn) with gain √2 for a layer
 * followed by ReLU and 1 otherwise (PyTorch `kaiming_normal_`); `xavier` normal
 * N(0, 2/(fanIn + fanOut)) (PyTorch `xavier_normal_`, gain 1).
 */
export type InitRule = "standard" | "kaiming" | "xavier";

/** Options of {@link initDense}. */
export interface InitOptions {
  readonly rule: InitRule;
  readonly seed: number;
  readonly dtype: "float32" | "float64";
  /** Init scale σ multiplying every weight: one number or one per layer (default 1). */
  readonly sigma?: number | readonly number[];
}

/** Standard deviation of the weights of `layer` under `rule`, before σ. */
export function initStd(rule: InitRule, layer: DenseLayer): number {
  switch (rule) {
    case "standard":
      return 1;
    case "kaiming": {
      const gain = layer.activation === "relu" ? Math.SQRT2 : 1;
      return gain / Math.sqrt(layer.fanIn);
    }
    case "xavier":
      return Math.sqrt(2 / (layer.fanIn + layer.fanOut));
    default:
      throw new RangeError(`Expected an init rule but found "${rule}"`);
  }
}

/**
 * Draws `<name>.weight` for every layer from one stream of models/rng.ts seeded with `seed`,
 * in layer order and row-major [fanOut, fanIn] order (so the same seed always gives the same
 * bits); biases are zero. The normals are drawn in float64 and scaled by std·σ before any
 * rounding to float32.
 */
export function initDense(
  layers: readonly DenseLayer[],
  opts: InitOptions,
): Record<string, TensorData> {
  const sigmas = typeof opts.sigma === "object"
    ? opts.sigma
    : layers.map(() => (opts.sigma as number | undefined) ?? 1);
  if (sigmas.length !== layers.length) {
    throw new RangeError(`Expected ${layers.length} init scales but found ${sigmas.length}`);
  }
  const rng = createRng(opts.seed);
  const out: Record<string, TensorData> = {};
  layers.forEach((layer, l) => {
    const w = new Float64Array(layer.fanOut * layer.fanIn);
    rng.fillNormal(w, initStd(opts.rule, layer) * sigmas[l]);
    out[`${layer.name}.weight`] = opts.dtype === "float32" ? Float32Array.from(w) : w;
    if (layer.bias) {
      out[`${layer.name}.bias`] = opts.dtype === "float32"
        ? new Float32Array(layer.fanOut)
        : new Float64Array(layer.fanOut);
    }
  });
  return out;
}
