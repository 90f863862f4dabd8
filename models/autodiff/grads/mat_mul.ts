import type { GradRule } from "../grad_rule.ts";

/** MatMul (2-D): dA = dY·Bᵀ, dB = Aᵀ·dY. */
export const matMulGrad: GradRule<"MatMul"> = {
  op: "MatMul",
  grad: (g) => ({
    A: g.needs("A") ? g.emit("Gemm", [g.dY(), g.input("B")], { transB: 1 }, "dA") : null,
    B: g.needs("B") ? g.emit("Gemm", [g.input("A"), g.dY()], { transA: 1 }, "dB") : null,
  }),
};
