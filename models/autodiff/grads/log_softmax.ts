import type { GradRule } from "../grad_rule.ts";

/** LogSoftmax along `axis`: dX = dY − exp(Y)·Σ_axis dY. */
export const logSoftmaxGrad: GradRule<"LogSoftmax"> = {
  op: "LogSoftmax",
  grad: (g) => {
    const axis = g.attr("axis", -1);
    const total = g.emit(
      "ReduceSum",
      [g.dY(), g.int64s("axes", [axis])],
      { keepdims: 1 },
      "sum_dY",
    );
    const softmax = g.emit("Exp", [g.output()], {}, "softmax");
    const weighted = g.emit("Mul", [softmax, total], {}, "softmax_sum_dY");
    return { input: g.emit("Sub", [g.dY(), weighted], {}, "dX") };
  },
};
