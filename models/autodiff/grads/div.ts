import type { GradRule } from "../grad_rule.ts";

/** Div (Y = A/B): dA = unbroadcast(dY/B), dB = unbroadcast(−dY·Y/B). */
export const divGrad: GradRule<"Div"> = {
  op: "Div",
  grad: (g) => {
    const dYoverB = g.emit("Div", [g.dY(), g.input("B")], {}, "dY_over_B");
    if (!g.needs("B")) return { A: g.unbroadcast(dYoverB, g.input("A")) };
    const dYYoverB = g.emit("Mul", [dYoverB, g.output()], {}, "dY_Y_over_B");
    const dB = g.unbroadcast(g.emit("Neg", [dYYoverB], {}, "dB_full"), g.input("B"));
    return { A: g.needs("A") ? g.unbroadcast(dYoverB, g.input("A")) : null, B: dB };
  },
};
