import type { GradContext, GradResult, GradRule } from "../grad_rule.ts";

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
      ? g.emit("Gemm", [dY, B], { alpha, transB: 1 - tB }, "dA")
      : g.emit("Gemm", [B, dY], { alpha, transA: tB, transB: 1 }, "dA");
  }
  if (g.needs("B")) {
    // tB=0: dB = α·op(A)ᵀ·dY;  tB=1: dB = (α·op(A)ᵀ·dY)ᵀ = α·dYᵀ·op(A)
    out.B = tB === 0
      ? g.emit("Gemm", [A, dY], { alpha, transA: 1 - tA }, "dB")
      : g.emit("Gemm", [dY, A], { alpha, transA: 1, transB: tA }, "dB");
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
