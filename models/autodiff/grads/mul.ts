import type { GradRule } from "../grad_rule.ts";

/** Mul: dA = unbroadcast(dY·B), dB = unbroadcast(dY·A). */
export const mulGrad: GradRule<"Mul"> = {
  op: "Mul",
  grad: (g) => ({
    A: g.needs("A")
      ? g.unbroadcast(g.emit("Mul", [g.dY(), g.input("B")], {}, "dY_B"), g.input("A"))
      : null,
    B: g.needs("B")
      ? g.unbroadcast(g.emit("Mul", [g.dY(), g.input("A")], {}, "dY_A"), g.input("B"))
      : null,
  }),
};
