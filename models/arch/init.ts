/** PyTorch's default initialisation of conv, linear and BatchNorm tensors, seeded. */
import type { ValueInfo } from "../onnx/ir.ts";
import { createRng } from "../rng.ts";

/** Options of `pytorchDefaultInit`. */
export interface InitSpec {
  readonly seed: number;
  /** SPEC 5.4 multiplier σ on every conv/linear weight and bias (default 1). */
  readonly sigma?: number;
}

function fanIn(v: ValueInfo): number {
  return v.shape.slice(1).reduce((p, d) => p * d, 1);
}

/**
 * Initial values of parameters and buffers, by role read from rank and name:
 * conv (rank 4) and linear (rank 2) weights, and the biases of those layers, are
 * U(−1/√fan_in, 1/√fan_in) (kaiming_uniform with a = √5, and nn.Conv2d/nn.Linear's bias rule)
 * times σ; rank-1 `.weight`/`.bias` of norm layers are 1 and 0; `running_mean` 0 and
 * `running_var` 1. Draws come from one xoshiro128** stream, tensor by tensor in the given order.
 */
export function pytorchDefaultInit(
  values: readonly ValueInfo[],
  spec: InitSpec,
): Record<string, Float32Array | Float64Array> {
  const rng = createRng(spec.seed);
  const sigma = spec.sigma ?? 1;
  const byName = new Map(values.map((v) => [v.name, v]));
  const out: Record<string, Float32Array | Float64Array> = {};
  for (const v of values) {
    const n = v.shape.reduce((p, d) => p * d, 1);
    const data = new Float64Array(n);
    const owner = v.name.endsWith(".bias") ? byName.get(v.name.replace(/\.bias$/, ".weight")) : v;
    if (v.name.endsWith(".running_var")) data.fill(1);
    else if (v.name.endsWith(".running_mean")) data.fill(0);
    else if (owner !== undefined && owner.shape.length >= 2) {
      const bound = 1 / Math.sqrt(fanIn(owner));
      for (let i = 0; i < n; i++) data[i] = sigma * bound * (2 * rng.uniform() - 1);
    } else if (v.name.endsWith(".weight") && v.shape.length === 1) data.fill(1);
    else if (!v.name.endsWith(".bias")) {
      throw new RangeError(`Expected a conv, linear or norm tensor but found "${v.name}"`);
    }
    out[v.name] = v.dtype === "float32" ? Float32Array.from(data) : data;
  }
  return out;
}
