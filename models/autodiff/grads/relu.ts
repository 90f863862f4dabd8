import { castCode } from "../builder.ts";
import type { GradRule } from "../grad_rule.ts";

/** Relu: dX = dY·1[Y > 0] (the subgradient at 0 is taken as 0, as in PyTorch). */
export const reluGrad: GradRule<"Relu"> = {
  op: "Relu",
  grad: (g) => {
    const y = g.output();
    const positive = g.emit("Greater", [y, g.scalar("zero", 0)], {}, "positive");
    const mask = g.emit("Cast", [positive], { to: castCode(y.dtype) }, "mask");
    return { X: g.emit("Mul", [g.dY(), mask], {}, "dX") };
  },
};
