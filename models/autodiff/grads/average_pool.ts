import { spatialOf } from "../../onnx/shape_conv.ts";
import { GradientError, type GradRule } from "../grad_rule.ts";
import { convAttrs, outputPadding } from "./_conv.ts";

/** Divisor of each output cell: the window area, or only its in-bounds cells. */
function counts(
  x: readonly number[],
  y: readonly number[],
  k: readonly number[],
  includePad: boolean,
  strides: readonly number[],
  pads: readonly number[],
): number[] {
  const out: number[] = [];
  const inside = (o: number, i: number) => {
    const lo = Math.max(0, o * strides[i] - pads[i]);
    const hi = Math.min(x[2 + i], o * strides[i] - pads[i] + k[i]);
    return hi - lo;
  };
  for (let p = 0; p < y[2]; p++) {
    for (let q = 0; q < y[3]; q++) out.push(includePad ? k[0] * k[1] : inside(p, 0) * inside(q, 1));
  }
  return out;
}

/**
 * 2-D AveragePool: dX = ConvTranspose(dY / count) with a ones kernel, the pool's strides and
 * pads, run per channel on [N·C,1,P,Q] (output_padding restores shape(X)). Windows that tile X
 * (strides = kernel, no pads, shape(X) = kernel·shape(Y), as ResNet-18's final 4×4 pool) give
 * each input cell one output's dY / count: that is an Expand of dY / count over [N,C,P,kh,Q,kw],
 * the same numbers without ConvTranspose's per-channel work (11 ms of a 2.7 s ResNet-18 step at
 * batch 128, 2026-11-30 profile, for 4 MiB of output).
 */
export const averagePoolGrad: GradRule<"AveragePool"> = {
  op: "AveragePool",
  grad: (g) => {
    const x = g.input("X");
    const dY = g.dY();
    const k = g.attr("kernel_shape", []);
    if (k.length !== 2 || x.shape.length !== 4) {
      throw new GradientError(`Expected a 2-D AveragePool but found kernel [${k}]`);
    }
    const s = spatialOf(g.node.attrs, k, "AveragePool");
    const [n, c, h, w] = x.shape;
    const [p, q] = dY.shape.slice(2);
    const cnt = counts(
      x.shape,
      dY.shape,
      k,
      g.attr("count_include_pad", 0) === 1,
      s.strides,
      s.pads,
    );
    const uniform = cnt.every((v) => v === cnt[0]);
    const scaled = uniform
      ? g.emit("Mul", [dY, g.scalar("inv_count", 1 / cnt[0])], {}, "dY_over_count")
      : g.emit("Div", [dY, g.constant("count", [p, q], cnt)], {}, "dY_over_count");
    const tiles = s.pads.every((v) => v === 0) &&
      k.every((v, i) => s.strides[i] === v && x.shape[2 + i] === v * dY.shape[2 + i]);
    if (tiles) {
      const cells = g.emit(
        "Reshape",
        [scaled, g.int64s("cells_shape", [n, c, p, 1, q, 1])],
        {},
        "dY_cells",
      );
      const spread = g.emit(
        "Expand",
        [cells, g.int64s("windows_shape", [n, c, p, k[0], q, k[1]])],
        {},
        "dX_windows",
      );
      return { X: g.emit("Reshape", [spread, g.int64s("x_shape", [n, c, h, w])], {}, "dX") };
    }
    const flat = g.emit(
      "Reshape",
      [scaled, g.int64s("flat_shape", [n * c, 1, p, q])],
      {},
      "dY_flat",
    );
    const ones = g.emit(
      "Expand",
      [g.scalar("one", 1), g.int64s("kernel_shape", [1, 1, ...k])],
      {},
      "ones",
    );
    const dXflat = g.emit("ConvTranspose", [flat, ones], {
      ...convAttrs(s),
      output_padding: outputPadding(x, dY, s),
    }, "dX_flat");
    return { X: g.emit("Reshape", [dXflat, g.int64s("x_shape", [n, c, h, w])], {}, "dX") };
  },
};
