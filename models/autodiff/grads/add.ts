import type { GradRule } from "../grad_rule.ts";

/** Add: dA = unbroadcast(dY), dB = unbroadcast(dY). */
export const addGrad: GradRule<"Add"> = {
  op: "Add",
  grad: (g) => ({
    A: g.needs("A") ? g.unbroadcast(g.dY(), g.input("A")) : null,
    B: g.needs("B") ? g.unbroadcast(g.dY(), g.input("B")) : null,
  }),
};
