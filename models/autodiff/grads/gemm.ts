import type { OpAttrs } from "../../onnx/ops.ts";
import type { Tensor } from "../builder.ts";
import type { Emitter, GradContext, GradResult, GradRule } from "../grad_rule.ts";

/**
 * Emits α·op(A)·op(B) as a Gemm named `what` whose left operand is never transposed by the flag:
 * a transposed left operand becomes an explicit Transpose (`<what>_lhs_t`) feeding the Gemm.
 * NOTE: measured in onnxruntime (2 cores), MLAS's transposed-A path runs the CIFAR FCN's weight
 * gradient (dYᵀ [2048,512] times x [512,3072]) at 331 GFLOP/s against 382 with the 4 MB operand
 * transposed first (0.7 ms); a whole batch-512 training step took 0.94x (CIFAR FCN) and 0.95x
 * (MNIST FCN) the time, with bit-identical results. onnxruntime's GemmTransposeFusion folds such a
 * Transpose back into transA, which `ortSessionOptions` (models/train/session.ts) disables.
 */
export function gemmUntransposedA(
  e: Emitter,
  a: Tensor,
  b: Tensor,
  attrs: OpAttrs<"Gemm">,
  what: string,
): Tensor {
  if (attrs.transA !== 1) return e.emit("Gemm", [a, b], attrs, what);
  const { transA: _, ...rest } = attrs;
  const lhs = e.emit("Transpose", [a], { perm: [1, 0] }, `${what}_lhs_t`);
  return e.emit("Gemm", [lhs, b], rest, what);
}

/** Y = α·op(A)·op(B) + β·C: dop(A) = α·dY·op(B)ᵀ, dop(B) = α·op(A)ᵀ·dY, dC = unbroadcast(β·dY). */
function gemmGradOf(g: GradContext<"Gemm">): GradResult<"Gemm"> {
  const alpha = g.attr("alpha", 1);
  const beta = g.attr("beta", 1);
  const tA = g.attr("transA", 0);
  const tB = g.attr("transB", 0);
  const A = g.input("A");
  const B = g.input("B");
  const dY = g.dY();
  const out: GradResult<"Gemm"> = {};
  if (g.needs("A")) {
    // tA=0: dA = α·dY·op(B)ᵀ;  tA=1: dA = (α·dY·op(B)ᵀ)ᵀ = α·op(B)·dYᵀ
    out.A = tA === 0
      ? gemmUntransposedA(g, dY, B, { alpha, transB: 1 - tB }, "dA")
      : gemmUntransposedA(g, B, dY, { alpha, transA: tB, transB: 1 }, "dA");
  }
  if (g.needs("B")) {
    // tB=0: dB = α·op(A)ᵀ·dY;  tB=1: dB = (α·op(A)ᵀ·dY)ᵀ = α·dYᵀ·op(A)
    out.B = tB === 0
      ? gemmUntransposedA(g, A, dY, { alpha, transA: 1 - tA }, "dB")
      : gemmUntransposedA(g, dY, A, { alpha, transA: 1, transB: tA }, "dB");
  }
  if (g.has("C") && g.needs("C")) {
    // NOTE: beta is a float32 attribute in ONNX; the forward pass used fround(beta).
    const scaled = beta === 1
      ? dY
      : g.emit("Mul", [dY, g.scalar("beta", Math.fround(beta))], {}, "dC_scaled");
    out.C = g.unbroadcast(scaled, g.input("C"));
  }
  return out;
}

/** Gemm with any transA/transB, alpha, beta and a broadcast C. */
export const gemmGrad: GradRule<"Gemm"> = { op: "Gemm", grad: gemmGradOf };
