import type { GradRule } from "../grad_rule.ts";

/** Transpose: dX = transpose(dY, perm⁻¹); the default perm reverses the axes. */
export const transposeGrad: GradRule<"Transpose"> = {
  op: "Transpose",
  grad: (g) => {
    const rank = g.input("data").shape.length;
    const perm = g.attr("perm", Array.from({ length: rank }, (_, i) => rank - 1 - i));
    const inverse = new Array<number>(rank);
    perm.forEach((p, i) => (inverse[p] = i));
    return { data: g.emit("Transpose", [g.dY()], { perm: inverse }, "ddata") };
  },
};
