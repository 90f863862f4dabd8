import { normAxis } from "../../onnx/shape.ts";
import type { Tensor } from "../builder.ts";
import type { Emitter, GradRule } from "../grad_rule.ts";

/**
 * Broadcasts a reduction's gradient dY back to shape(X) over the reduced `axes`
 * (shared with ReduceMean): with keepdims=0 the size-1 axes are restored first.
 */
export function expandReduced(
  e: Emitter,
  dY: Tensor,
  x: Tensor,
  axes: readonly number[],
): Tensor {
  const ax = axes.map((a) => normAxis(a, x.shape.length));
  const kept = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const dKept = dY.shape.length === kept.length
    ? dY
    : e.emit("Reshape", [dY, e.int64s("kept_shape", kept)], {}, "kept");
  return e.emit("Expand", [dKept, e.int64s("data_shape", x.shape)], {}, "ddata");
}

/** ReduceSum: dX = expand(dY, shape(X)) with the reduced axes restored. */
export const reduceSumGrad: GradRule<"ReduceSum"> = {
  op: "ReduceSum",
  grad: (g) => ({ data: expandReduced(g, g.dY(), g.input("data"), g.ints("axes")), axes: null }),
};
