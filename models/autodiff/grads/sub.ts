import type { GradRule } from "../grad_rule.ts";

/** Sub: dA = unbroadcast(dY), dB = −unbroadcast(dY). */
export const subGrad: GradRule<"Sub"> = {
  op: "Sub",
  grad: (g) => ({
    A: g.needs("A") ? g.unbroadcast(g.dY(), g.input("A")) : null,
    // NOTE: summing before negating is exact and, for a broadcast B (BatchNorm's mean), negates
    // [1,C,1,1] instead of the full-size dY.
    B: g.needs("B") ? g.emit("Neg", [g.unbroadcast(g.dY(), g.input("B"))], {}, "neg_dY") : null,
  }),
};
