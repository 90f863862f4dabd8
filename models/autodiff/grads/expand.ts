import type { GradRule } from "../grad_rule.ts";

/** Expand: dX = unbroadcast(dY, shape(X)). */
export const expandGrad: GradRule<"Expand"> = {
  op: "Expand",
  grad: (g) => ({ input: g.unbroadcast(g.dY(), g.input("input")), shape: null }),
};
