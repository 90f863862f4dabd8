import type { GradRule } from "../grad_rule.ts";

/** Y[n,c] = mean_{h,w} X[n,c,h,w]: dX = expand(dY / (H·W), shape(X)). */
export const globalAveragePoolGrad: GradRule<"GlobalAveragePool"> = {
  op: "GlobalAveragePool",
  grad: (g) => {
    const x = g.input("X");
    const area = x.shape.slice(2).reduce((p, d) => p * d, 1);
    const scaled = g.emit("Mul", [g.dY(), g.scalar("inv_area", 1 / area)], {}, "dY_over_area");
    return { X: g.emit("Expand", [scaled, g.int64s("x_shape", x.shape)], {}, "dX") };
  },
};
