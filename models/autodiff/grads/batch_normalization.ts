import type { Tensor } from "../builder.ts";
import type { GradRule } from "../grad_rule.ts";
import { sumButChannels } from "./_conv.ts";

/**
 * Inference-mode BN, Y = γ·(X − μ)/√(σ² + ε) + β with fixed μ, σ²: dX = dY·a with a = γ/√(σ²+ε),
 * dγ = Σ dY·x̂, dβ = Σ dY, dμ = −a·Σ dY, dσ² = −½·γ·dγ/(σ² + ε).
 */
export const batchNormalizationGrad: GradRule<"BatchNormalization"> = {
  op: "BatchNormalization",
  grad: (g) => {
    const x = g.input("X");
    const dY = g.dY();
    const cShape = x.shape.map((d, i) => (i === 1 ? d : 1));
    const perChannel = (t: Tensor, what: string) =>
      g.emit("Reshape", [t, g.int64s(`${what}_shape`, cShape)], {}, what);
    // NOTE: ONNX stores epsilon as float32, so the forward pass used fround(ε).
    const eps = g.scalar("eps", Math.fround(g.attr("epsilon", 1e-5)));
    const varEps = g.emit("Add", [g.input("input_var"), eps], {}, "var_eps");
    const std = g.emit("Sqrt", [varEps], {}, "std");
    const a = g.emit("Div", [g.input("scale"), std], {}, "a");
    const dB = sumButChannels(g, dY, "dB");
    const wantScale = g.needs("scale") || g.needs("input_var");
    const xhat = wantScale
      ? g.emit(
        "Div",
        [
          g.emit("Sub", [x, perChannel(g.input("input_mean"), "mean4")], {}, "centered"),
          perChannel(std, "std4"),
        ],
        {},
        "xhat",
      )
      : undefined;
    const dScale = xhat
      ? sumButChannels(g, g.emit("Mul", [dY, xhat], {}, "dY_xhat"), "dscale")
      : undefined;
    return {
      X: g.needs("X") ? g.emit("Mul", [dY, perChannel(a, "a4")], {}, "dX") : null,
      scale: g.needs("scale") ? dScale : null,
      B: g.needs("B") ? dB : null,
      input_mean: g.needs("input_mean")
        ? g.emit("Neg", [g.emit("Mul", [a, dB], {}, "a_dB")], {}, "dmean")
        : null,
      input_var: g.needs("input_var")
        ? g.emit(
          "Div",
          [
            g.emit(
              "Mul",
              [
                g.emit("Mul", [g.input("scale"), dScale!], {}, "g_dscale"),
                g.scalar("minus_half", -0.5),
              ],
              {},
              "half_g_dscale",
            ),
            varEps,
          ],
          {},
          "dvar",
        )
        : null,
    };
  },
};
