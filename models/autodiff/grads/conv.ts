import { spatialOf } from "../../onnx/shape_conv.ts";
import { GradientError, type GradRule } from "../grad_rule.ts";
import { convInputGrad, convWeightGrad, sumButChannels } from "./_conv.ts";

/** Conv (group 1); the input gradient uses output_padding so stride 2 restores shape(X) exactly. */
export const convGrad: GradRule<"Conv"> = {
  op: "Conv",
  grad: (g) => {
    const x = g.input("X");
    const w = g.input("W");
    const dY = g.dY();
    const group = g.node.attrs.group ?? 1;
    if (group !== 1) {
      throw new GradientError(`Expected a Conv of group 1 to differentiate but found ${group}`);
    }
    const s = spatialOf(g.node.attrs, w.shape.slice(2), "Conv");
    return {
      // dX = ConvTranspose(dY, W) with the forward strides, pads and dilations
      X: g.needs("X") ? convInputGrad(g, x, w, dY, s) : null,
      // dW[m,c,i,j] = Σ_{n,p,q} dY[n,m,p,q]·X[n,c,p·s+i·d−pad, q·s+j·d−pad]
      W: g.needs("W") ? convWeightGrad(g, x, dY, s) : null,
      // dB[m] = Σ_{n,p,q} dY[n,m,p,q]
      B: g.has("B") && g.needs("B") ? sumButChannels(g, dY, "dB") : null,
    };
  },
};
