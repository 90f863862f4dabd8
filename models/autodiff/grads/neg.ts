import type { GradRule } from "../grad_rule.ts";

/** Neg: dX = −dY. */
export const negGrad: GradRule<"Neg"> = {
  op: "Neg",
  grad: (g) => ({ X: g.emit("Neg", [g.dY()], {}, "dX") }),
};
