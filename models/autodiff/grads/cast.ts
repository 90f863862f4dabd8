import type { GradRule } from "../grad_rule.ts";

/** Cast between float types: dX = cast(dY, dtype(X)); from int or bool inputs: none. */
export const castGrad: GradRule<"Cast"> = {
  op: "Cast",
  grad: (g) => {
    const x = g.input("input");
    if (x.dtype !== "float32" && x.dtype !== "float64") return { input: null };
    if (x.dtype === g.dY().dtype) return { input: g.dY() };
    return { input: g.emit("Cast", [g.dY()], { to: x.dtype === "float32" ? 1 : 11 }, "dX") };
  },
};
