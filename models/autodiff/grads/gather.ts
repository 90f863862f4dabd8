import { GradientError, type GradRule } from "../grad_rule.ts";
import { normAxis } from "../../onnx/shape.ts";

/** Largest one-hot matrix (entries) the rule builds before it refuses. */
const MAX_ONE_HOT = 1 << 24;

/**
 * Gather with constant indices along `axis`: dData[…, k, …] = Σ over the positions p with
 * indices[p] = k of dY[…, p, …], written as dY (moved to [outer·inner, m]) times the one-hot
 * matrix E[p, k] = [indices[p] = k] of shape [m, d]: exact, since every sum adds products with 1
 * and 0. The matrix is dense, so the rule is meant for small gathers; the convolution weight
 * gradient's im2col Gather (grads/_conv.ts) sits in backward graphs and is never differentiated.
 */
export const gatherGrad: GradRule<"Gather"> = {
  op: "Gather",
  grad: (g) => {
    const x = g.input("data");
    const idx = g.ints("indices");
    const axis = normAxis(g.attr("axis", 0), x.shape.length);
    const d = x.shape[axis];
    const m = idx.length;
    if (m * d > MAX_ONE_HOT) {
      throw new GradientError(
        `Expected a Gather gradient with at most ${MAX_ONE_HOT} one-hot entries at node ` +
          `"${g.node.name}" but found ${m}·${d}`,
      );
    }
    const size = (s: readonly number[]) => s.reduce((p, v) => p * v, 1);
    const outer = size(x.shape.slice(0, axis));
    const inner = size(x.shape.slice(axis + 1));
    const oneHot = new Float64Array(m * d);
    idx.forEach((k, p) => (oneHot[p * d + (k < 0 ? k + d : k)] = 1));
    // dY [outer, m, inner] → [outer·inner, m] → ·E → [outer·inner, d] → [outer, d, inner]
    const dY3 = g.emit("Reshape", [g.dY(), g.int64s("dY3_shape", [outer, m, inner])], {}, "dY3");
    const rows = g.emit(
      "Reshape",
      [
        g.emit("Transpose", [dY3], { perm: [0, 2, 1] }, "dY_moved"),
        g.int64s("rows_shape", [outer * inner, m]),
      ],
      {},
      "dY_rows",
    );
    const summed = g.emit("MatMul", [rows, g.constant("one_hot", [m, d], oneHot)], {}, "summed");
    const back = g.emit(
      "Transpose",
      [g.emit("Reshape", [summed, g.int64s("summed3_shape", [outer, inner, d])], {}, "summed3")],
      { perm: [0, 2, 1] },
      "summed_moved",
    );
    return {
      data: g.emit("Reshape", [back, g.int64s("ddata_shape", x.shape)], {}, "ddata"),
      indices: null,
    };
  },
};
