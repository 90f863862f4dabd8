import type { GradRule } from "../grad_rule.ts";

/** Reshape: d data = reshape(dY, shape(data)); the shape input gets no gradient. */
export const reshapeGrad: GradRule<"Reshape"> = {
  op: "Reshape",
  grad: (g) => ({
    data: g.emit("Reshape", [g.dY(), g.int64s("shape", g.input("data").shape)], {}, "ddata"),
    shape: null,
  }),
};
