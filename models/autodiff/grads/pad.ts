import type { GradRule } from "../grad_rule.ts";

/** Constant Pad: dX = Slice(dY) to the unpadded box; dc = Σ dY − Σ dX (the padded cells). */
export const padGrad: GradRule<"Pad"> = {
  op: "Pad",
  grad: (g) => {
    const x = g.input("data");
    const pads = g.ints("pads");
    const starts = x.shape.map((_, i) => pads[i]);
    const dX = g.emit(
      "Slice",
      [
        g.dY(),
        g.int64s("starts", starts),
        g.int64s("ends", starts.map((s, i) => s + x.shape[i])),
      ],
      {},
      "ddata",
    );
    if (!g.has("constant_value") || !g.needs("constant_value")) return { data: dX, pads: null };
    const c = g.input("constant_value");
    const all = g.int64s("all_axes", x.shape.map((_, i) => i));
    const total = g.emit("ReduceSum", [g.dY(), all], { keepdims: 0 }, "sum_dY");
    const inner = g.emit("ReduceSum", [dX, all], { keepdims: 0 }, "sum_ddata");
    const dc = g.emit("Sub", [total, inner], {}, "dc_scalar");
    return {
      data: dX,
      pads: null,
      constant_value: c.shape.length === 0
        ? dc
        : g.emit("Reshape", [dc, g.int64s("c_shape", c.shape)], {}, "dc"),
    };
  },
};
