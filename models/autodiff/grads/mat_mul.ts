import { GradientError, type GradRule } from "../grad_rule.ts";
import { gemmUntransposedA } from "./gemm.ts";

/** MatMul (2-D): dA = dY·Bᵀ, dB = Aᵀ·dY. Batched MatMul appears only inside gradients. */
export const matMulGrad: GradRule<"MatMul"> = {
  op: "MatMul",
  grad: (g) => {
    const [a, b] = [g.input("A"), g.input("B")];
    if (a.shape.length !== 2 || b.shape.length !== 2) {
      throw new GradientError(
        `Expected a 2-D MatMul to differentiate but found [${a.shape}]x[${b.shape}]`,
      );
    }
    return {
      A: g.needs("A") ? g.emit("Gemm", [g.dY(), b], { transB: 1 }, "dA") : null,
      B: g.needs("B") ? gemmUntransposedA(g, a, g.dY(), { transA: 1 }, "dB") : null,
    };
  },
};
