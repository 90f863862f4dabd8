/** BatchNorm2d as PyTorch defines it: batch statistics in training, running statistics in eval. */
import type { GraphBuilder, Tensor } from "../autodiff/builder.ts";
import type { RegionGradContext } from "../autodiff/grad_rule.ts";

/** Options of `batchNorm2d`; defaults are PyTorch's. */
export interface BatchNormSpec {
  /** Training mode: normalise with batch statistics and update the running ones. */
  readonly training: boolean;
  /** PyTorch momentum m: running ← (1 − m)·running + m·batch (default 0.1). */
  readonly momentum?: number;
  /** ε added to the variance (default 1e-5). */
  readonly eps?: number;
  /** Differentiate the primitives instead of using the closed-form backward (for checks). */
  readonly derivedGradient?: boolean;
}

/**
 * BatchNorm2d `name` on x [N,C,H,W]: parameters `<name>.weight` γ and `<name>.bias` β [C],
 * buffers `<name>.running_mean` and `<name>.running_var` [C]. Training mode normalises with the
 * batch statistics μ = mean_{n,h,w} x and σ² = mean (x − μ)² (biased): y = (x − μ)·γ/√(σ² + ε) + β,
 * emitted as ReduceMeans and one BatchNormalization node fed μ and σ² + ε (ε attribute 0), and
 * records running_mean' = (1 − m)·running_mean + m·μ, running_var' = (1 − m)·running_var +
 * m·σ²·n/(n − 1) (PyTorch keeps the unbiased variance). Its backward is the closed form
 * (`bnBackward`) unless `derivedGradient` asks for autodiff through the primitives. Eval mode is
 * one BatchNormalization node on the running statistics.
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
  const c1 = b.int64s(`${name}/c_shape`, [c]);
  const count = n * h * w;
  const forward = () => {
    const mean = b.emit("ReduceMean", [x], axes, at("mean"));
    const centered = b.emit("Sub", [x, mean], {}, at("centered"));
    const sq = b.emit("Mul", [centered, centered], {}, at("sq"));
    const variance = b.emit("ReduceMean", [sq], axes, at("var"));
    const varEps = b.emit(
      "Add",
      [variance, b.scalar(`${name}/eps`, dtype, eps)],
      {},
      at("var_eps"),
    );
    const perChannel = (t: Tensor, what: string) => b.emit("Reshape", [t, c1], {}, at(what));
    // NOTE: ε is already in var_eps, so the node's own (float32) epsilon is 0.
    const y = b.emit(
      "BatchNormalization",
      [x, gamma, beta, perChannel(mean, "mean_c"), perChannel(varEps, "var_eps_c")],
      { epsilon: 0 },
      { name },
    );
    return { y, mean, variance, centered, varEps };
  };
  // the region's body runs at once, so `f` is set before the rule or the buffers read it
  let f: ReturnType<typeof forward> | undefined;
  const run = () => (f = forward());
  const [y] = spec.derivedGradient ? [run().y] : b.withGradient(
    name,
    [x, gamma, beta],
    () => [run().y],
    (g) => bnBackward(g, gamma, f!.centered, f!.varEps, count),
  );
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
  b.updateBuffer(runMean.name, blend(runMean, f!.mean, m, "running_mean"));
  // NOTE: with a single value per channel (n = 1) PyTorch raises; the factor would divide by zero.
  b.updateBuffer(
    runVar.name,
    blend(runVar, f!.variance, (m * count) / Math.max(count - 1, 1), "running_var"),
  );
  return y;
}

/**
 * Closed-form backward of training-mode BN over M = N·H·W values per channel, with
 * s = √(σ² + ε), a = γ/s, Σ over n, h, w:
 *   dβ = Σ dY,  dγ = Σ dY·(x − μ) / s,
 *   dx = a·dY − (a/M)·Σ dY − (x − μ)·a·Σ(dY·(x − μ)) / (M·s²).
 * Six full-size passes (two reductions, two Muls, a per-channel affine as a BatchNormalization
 * node with mean 0, variance 1 and ε 0, one Add) where autodiff through the primitives emits ten.
 */
function bnBackward(
  g: RegionGradContext,
  gamma: Tensor,
  centered: Tensor,
  varEps: Tensor,
  count: number,
): (Tensor | null)[] {
  const c = gamma.shape[0];
  const dY = g.dY();
  const sum = (t: Tensor, what: string) =>
    g.emit("ReduceSum", [t, g.int64s(`${what}_axes`, [0, 2, 3])], { keepdims: 1 }, what);
  const flat = (t: Tensor, what: string) =>
    g.emit("Reshape", [t, g.int64s(`${what}_shape`, [c])], {}, what);
  const sdy = sum(dY, "sum_dY");
  const sdyc = sum(g.emit("Mul", [dY, centered], {}, "dY_centered"), "sum_dY_centered");
  const std = g.emit("Sqrt", [varEps], {}, "std");
  const dGamma = g.needs(1) ? flat(g.emit("Div", [sdyc, std], {}, "dgamma4"), "dgamma") : null;
  const dBeta = g.needs(2) ? flat(sdy, "dbeta") : null;
  if (!g.needs(0)) return [null, dGamma, dBeta];
  const gamma4 = g.emit("Reshape", [gamma, g.int64s("c4_shape", [1, c, 1, 1])], {}, "gamma4");
  const a = g.emit("Div", [gamma4, std], {}, "a");
  const minusA = g.emit("Mul", [a, g.scalar("minus_one_over_m", -1 / count)], {}, "minus_a_over_m");
  // dx = a·dY + k2 + (x − μ)·k1 with k2 = −(a/M)·Σ dY and k1 = −(a/M)·Σ dY·(x − μ) / s²
  const k1 = g.emit("Div", [g.emit("Mul", [minusA, sdyc], {}, "k1_num"), varEps], {}, "k1");
  const k2 = g.emit("Mul", [minusA, sdy], {}, "k2");
  const affine = g.emit(
    "BatchNormalization",
    [
      dY,
      flat(a, "a_c"),
      flat(k2, "k2_c"),
      g.constant("zeros_c", [c], new Float64Array(c)),
      g.constant("ones_c", [c], new Float64Array(c).fill(1)),
    ],
    { epsilon: 0 },
    "dY_affine",
  );
  const dx = g.emit("Add", [affine, g.emit("Mul", [centered, k1], {}, "centered_k1")], {}, "dx");
  return [dx, dGamma, dBeta];
}
