import type { GradRule } from "../grad_rule.ts";

/** Exp: dX = dY·Y. */
export const expGrad: GradRule<"Exp"> = {
  op: "Exp",
  grad: (g) => ({ input: g.emit("Mul", [g.dY(), g.output()], {}, "dX") }),
};
