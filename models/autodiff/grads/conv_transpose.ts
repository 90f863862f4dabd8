import { spatialOf } from "../../onnx/shape_conv.ts";
import type { GradRule } from "../grad_rule.ts";
import { convAttrs, convWeightGrad, sumButChannels } from "./_conv.ts";

/** ConvTranspose (group 1), the adjoint of Conv: Y[n,m,h·s+i·d−pad] += X[n,c,h]·W[c,m,i]. */
export const convTransposeGrad: GradRule<"ConvTranspose"> = {
  op: "ConvTranspose",
  grad: (g) => {
    const x = g.input("X");
    const w = g.input("W");
    const dY = g.dY();
    const s = spatialOf(g.node.attrs, w.shape.slice(2), "ConvTranspose");
    return {
      // dX = Conv(dY, W): output_padding < stride, so the floor lands exactly on shape(X)
      X: g.needs("X") ? g.emit("Conv", [dY, w], convAttrs(s), "dX") : null,
      // dW[c,m,i,j] = Σ_{n,h,v} X[n,c,h,v]·dY[n,m,h·s+i·d−pad, v·s+j·d−pad]
      W: g.needs("W") ? convWeightGrad(g, dY, x, s) : null,
      // dB[m] = Σ_{n,p,q} dY[n,m,p,q]
      B: g.has("B") && g.needs("B") ? sumButChannels(g, dY, "dB") : null,
    };
  },
};
