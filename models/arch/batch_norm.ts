/** BatchNorm2d as PyTorch defines it: batch statistics in training, running statistics in eval. */
import type { GraphBuilder, Tensor } from "../autodiff/mod.ts";

/** Options of `batchNorm2d`; defaults are PyTorch's. */
export interface BatchNormSpec {
  /** Training mode: normalise with batch statistics and update the running ones. */
  readonly training: boolean;
  /** PyTorch momentum m: running ← (1 − m)·running + m·batch (default 0.1). */
  readonly momentum?: number;
  /** ε added to the variance (default 1e-5). */
  readonly eps?: number;
}

/**
 * BatchNorm2d `name` on x [N,C,H,W]: parameters `<name>.weight` γ and `<name>.bias` β [C],
 * buffers `<name>.running_mean` and `<name>.running_var` [C]. Training mode emits primitives
 * (autodiff differentiates through the batch statistics):
 * μ = mean_{n,h,w} x, σ² = mean (x − μ)² (biased), y = (x − μ)·γ/√(σ² + ε) + β, and records
 * running_mean' = (1 − m)·running_mean + m·μ, running_var' = (1 − m)·running_var + m·σ²·n/(n − 1)
 * (PyTorch keeps the unbiased variance). Eval mode is one BatchNormalization node.
 */
export function batchNorm2d(
  b: GraphBuilder,
  x: Tensor,
  name: string,
  spec: BatchNormSpec,
): Tensor {
  const [n, c, h, w] = x.shape;
  const dtype = x.dtype;
  const eps = spec.eps ?? 1e-5;
  const m = spec.momentum ?? 0.1;
  const gamma = b.param(`${name}.weight`, dtype, [c]);
  const beta = b.param(`${name}.bias`, dtype, [c]);
  const runMean = b.buffer(`${name}.running_mean`, dtype, [c]);
  const runVar = b.buffer(`${name}.running_var`, dtype, [c]);
  if (!spec.training) {
    return b.emit("BatchNormalization", [x, gamma, beta, runMean, runVar], { epsilon: eps }, {
      name,
    });
  }
  const at = (what: string) => ({ name: `${name}/${what}` });
  const axes = { axes: [0, 2, 3], keepdims: 1 };
  const c4 = b.int64s(`${name}/c4_shape`, [1, c, 1, 1]);
  const c1 = b.int64s(`${name}/c_shape`, [c]);
  const mean = b.emit("ReduceMean", [x], axes, at("mean"));
  const centered = b.emit("Sub", [x, mean], {}, at("centered"));
  const sq = b.emit("Mul", [centered, centered], {}, at("sq"));
  const variance = b.emit("ReduceMean", [sq], axes, at("var"));
  const std = b.emit(
    "Sqrt",
    [b.emit("Add", [variance, b.scalar(`${name}/eps`, dtype, eps)], {}, at("var_eps"))],
    {},
    at("std"),
  );
  // a = γ/√(σ² + ε) per channel, so the full-size work is one Mul and one Add
  const a = b.emit("Div", [b.emit("Reshape", [gamma, c4], {}, at("weight4")), std], {}, at("a"));
  const scaled = b.emit("Mul", [centered, a], {}, at("scaled"));
  const y = b.emit("Add", [scaled, b.emit("Reshape", [beta, c4], {}, at("bias4"))], {}, { name });
  const count = n * h * w;
  const keep = b.scalar(`${name}/keep`, dtype, 1 - m);
  const blend = (buf: Tensor, stat: Tensor, factor: number, what: string) =>
    b.emit(
      "Add",
      [
        b.emit("Mul", [buf, keep], {}, at(`${what}_kept`)),
        b.emit(
          "Mul",
          [
            b.emit("Reshape", [stat, c1], {}, at(`${what}_batch`)),
            b.scalar(`${name}/${what}_factor`, dtype, factor),
          ],
          {},
          at(`${what}_new`),
        ),
      ],
      {},
      { name: `${buf.name}_next` },
    );
  b.updateBuffer(runMean.name, blend(runMean, mean, m, "running_mean"));
  // NOTE: with a single value per channel (n = 1) PyTorch raises; the factor would divide by zero.
  b.updateBuffer(
    runVar.name,
    blend(runVar, variance, (m * count) / Math.max(count - 1, 1), "running_var"),
  );
  return y;
}
