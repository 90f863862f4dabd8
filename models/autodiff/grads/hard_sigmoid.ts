import { castCode } from "../builder.ts";
import type { GradRule } from "../grad_rule.ts";

/** Y = max(0, min(1, αX + β)): dX = dY·α·1[0 < Y < 1] (0 at the kinks, as in PyTorch). */
export const hardSigmoidGrad: GradRule<"HardSigmoid"> = {
  op: "HardSigmoid",
  grad: (g) => {
    const y = g.output();
    const to = castCode(y.dtype);
    const mask = (what: string, a: typeof y, b: typeof y) =>
      g.emit("Cast", [g.emit("Greater", [a, b], {}, what)], { to }, `${what}_mask`);
    const inside = g.emit(
      "Mul",
      [mask("above", y, g.scalar("zero", 0)), mask("below", g.scalar("one", 1), y)],
      {},
      "inside",
    );
    // NOTE: α is a float attribute, which ONNX Runtime and the reference evaluator round to float32.
    const alpha = g.scalar("alpha", Math.fround(g.attr("alpha", 0.2)));
    return { X: g.emit("Mul", [g.dY(), g.emit("Mul", [inside, alpha], {}, "slope")], {}, "dX") };
  },
};
