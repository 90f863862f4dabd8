import type { GradRule } from "../grad_rule.ts";

/** Identity: dX = dY (no node emitted). */
export const identityGrad: GradRule<"Identity"> = {
  op: "Identity",
  grad: (g) => ({ input: g.dY() }),
};
