/** The one place that reduces a broadcast gradient back to an operand's shape. */
import type { Tensor } from "./builder.ts";
import type { Emitter } from "./grad_rule.ts";

/**
 * Sums `t` over the axes along which an operand of shape `to` was broadcast to `t.shape`
 * (leading extra axes, and axes where `to` has size 1), then reshapes to `to`.
 */
export function unbroadcast(
  e: Emitter,
  t: Tensor,
  to: readonly number[],
  what = "unbroadcast",
): Tensor {
  if (t.shape.length === to.length && t.shape.every((d, i) => d === to[i])) return t;
  const lead = t.shape.length - to.length;
  if (lead < 0) throw new RangeError(`Expected rank >= ${to.length} but found [${t.shape}]`);
  const axes: number[] = [];
  t.shape.forEach((d, i) => {
    if (i < lead || (to[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  // NOTE: keepdims=1 then Reshape keeps the rule independent of which axes were dropped.
  const summed = axes.length === 0
    ? t
    : e.emit("ReduceSum", [t, e.int64s(`${what}_axes`, axes)], { keepdims: 1 }, `${what}_sum`);
  if (summed.shape.length === to.length && summed.shape.every((d, i) => d === to[i])) return summed;
  return e.emit("Reshape", [summed, e.int64s(`${what}_shape`, to)], {}, what);
}
