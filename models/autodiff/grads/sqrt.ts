import type { GradRule } from "../grad_rule.ts";

/** Y = √X: dX = dY / (2Y). */
export const sqrtGrad: GradRule<"Sqrt"> = {
  op: "Sqrt",
  grad: (g) => ({
    X: g.emit(
      "Div",
      [g.dY(), g.emit("Mul", [g.output(), g.scalar("two", 2)], {}, "two_y")],
      {},
      "dX",
    ),
  }),
};
