import type { GradRule } from "../grad_rule.ts";

/** Flatten: dX = reshape(dY, shape(X)). */
export const flattenGrad: GradRule<"Flatten"> = {
  op: "Flatten",
  grad: (g) => ({
    input: g.emit("Reshape", [g.dY(), g.int64s("shape", g.input("input").shape)], {}, "dX"),
  }),
};
