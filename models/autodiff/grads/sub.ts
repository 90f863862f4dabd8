import type { GradRule } from "../grad_rule.ts";

/** Sub: dA = unbroadcast(dY), dB = unbroadcast(−dY). */
export const subGrad: GradRule<"Sub"> = {
  op: "Sub",
  grad: (g) => ({
    A: g.needs("A") ? g.unbroadcast(g.dY(), g.input("A")) : null,
    B: g.needs("B") ? g.unbroadcast(g.emit("Neg", [g.dY()], {}, "neg_dY"), g.input("B")) : null,
  }),
};
