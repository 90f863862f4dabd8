import { sliceRanges } from "../../onnx/shape_conv.ts";
import type { Tensor } from "../builder.ts";
import type { GradRule } from "../grad_rule.ts";

/**
 * Slice with positive steps: dX = zeros with dY at the taken positions. Per strided axis, dY is
 * spread by Reshape (a size-1 axis after it), Pad (s − 1 zeros) and Reshape, and trimmed to
 * (count − 1)·s + 1; one final Pad restores shape(X).
 */
export const sliceGrad: GradRule<"Slice"> = {
  op: "Slice",
  grad: (g) => {
    const x = g.input("data");
    const axes = g.has("axes") ? g.ints("axes") : undefined;
    const steps = g.has("steps") ? g.ints("steps") : undefined;
    const r = sliceRanges(x.shape, g.ints("starts"), g.ints("ends"), axes, steps);
    let d: Tensor = g.dY();
    r.forEach(({ count, step }, a) => {
      if (step === 1 || count === 0) return;
      const split = [...d.shape.slice(0, a + 1), 1, ...d.shape.slice(a + 1)];
      const pads = split.map((_, i) => (i === a + 1 ? step - 1 : 0));
      const spread = g.emit(
        "Pad",
        [
          g.emit("Reshape", [d, g.int64s(`split${a}_shape`, split)], {}, `split${a}`),
          g.int64s(`spread${a}_pads`, [...split.map(() => 0), ...pads]),
        ],
        {},
        `spread${a}`,
      );
      const merged = d.shape.map((v, i) => (i === a ? v * step : v));
      const flat = g.emit(
        "Reshape",
        [spread, g.int64s(`merged${a}_shape`, merged)],
        {},
        `merged${a}`,
      );
      d = g.emit(
        "Slice",
        [
          flat,
          g.int64s(`trim${a}_starts`, [0]),
          g.int64s(`trim${a}_ends`, [(count - 1) * step + 1]),
          g.int64s(`trim${a}_axes`, [a]),
        ],
        {},
        `trimmed${a}`,
      );
    });
    const pads = [...r.map((v) => v.start), ...r.map((v, i) => x.shape[i] - v.start - d.shape[i])];
    return {
      data: g.emit("Pad", [d, g.int64s("pads", pads)], {}, "ddata"),
      starts: null,
      ends: null,
      axes: null,
      steps: null,
    };
  },
};
