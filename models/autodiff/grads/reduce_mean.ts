import { reduceMeanAxes } from "../../onnx/shape.ts";
import type { GradRule } from "../grad_rule.ts";
import { expandReduced } from "./reduce_sum.ts";

/** ReduceMean: dX = expand(dY / n, shape(X)), n = number of reduced elements. */
export const reduceMeanGrad: GradRule<"ReduceMean"> = {
  op: "ReduceMean",
  grad: (g) => {
    const x = g.input("data");
    const n = x.shape.reduce((p, d) => p * d, 1) / g.output().shape.reduce((p, d) => p * d, 1);
    const scaled = g.emit("Mul", [g.dY(), g.scalar("inv_n", 1 / n)], {}, "dY_over_n");
    return { data: expandReduced(g, scaled, x, reduceMeanAxes(g.node.attrs, x.shape.length)) };
  },
};
