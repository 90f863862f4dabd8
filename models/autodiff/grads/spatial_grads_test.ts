import assert from "node:assert/strict";
import { checkGradients, seeded } from "../gradcheck.ts";
import { GraphBuilder, type Tensor } from "../builder.ts";
import { emitBackward } from "../backward.ts";
import { GradientError } from "../grad_rule.ts";
import type { OpAttrs } from "../../onnx/mod.ts";
import { PER_IMAGE_MIN_PIXELS, PER_IMAGE_PIXELS_PER_CHANNEL } from "./_conv.ts";

type Forward = (b: GraphBuilder, xs: Tensor[]) => Tensor;

interface Case {
  readonly name: string;
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  readonly forward: Forward;
  /** ORT has float64 kernels for this case (else it runs in float32). */
  readonly ort64?: boolean;
  readonly domain?: (v: number, input: string) => number;
  /** Difference at most this many coordinates per input (large inputs). */
  readonly sample?: number;
}

const conv = (attrs: OpAttrs<"Conv">, bias = true): Forward => (b, [x, w, c]) =>
  b.emit("Conv", bias ? [x, w, c] : [x, w], attrs);
const convCase = (name: string, x: number[], w: number[], attrs: OpAttrs<"Conv">): Case => ({
  name: `Conv ${name}`,
  shapes: { X: x, W: w, B: [w[0]] },
  forward: conv(attrs),
});
const positiveVar = (v: number, input: string) => (input === "V" ? v * v + 0.2 : v);

const CASES: readonly Case[] = [
  convCase("3x3 stride 1 pad 1", [2, 3, 5, 5], [4, 3, 3, 3], { pads: [1, 1, 1, 1] }),
  convCase("3x3 stride 2 pad 1 (even input)", [2, 3, 6, 6], [4, 3, 3, 3], {
    strides: [2, 2],
    pads: [1, 1, 1, 1],
  }),
  convCase("3x3 stride 2 pad 1 (odd input)", [1, 2, 7, 5], [3, 2, 3, 3], {
    strides: [2, 2],
    pads: [1, 1, 1, 1],
  }),
  convCase("1x1 stride 2 pad 0 (last row unread)", [2, 3, 6, 6], [5, 3, 1, 1], {
    strides: [2, 2],
  }),
  convCase("2x3 strides [2,3] asymmetric pads, dilation 2", [2, 2, 7, 8], [3, 2, 2, 3], {
    strides: [2, 3],
    pads: [0, 1, 2, 0],
    dilations: [2, 1],
  }),
  convCase("3x2 stride 1, dilation [2,1], asymmetric pads", [2, 3, 7, 6], [
    2,
    3,
    3,
    2,
  ], {
    pads: [2, 0, 1, 1],
    dilations: [2, 1],
  }),
  convCase("1x1 stride 1 (single tap)", [2, 3, 3, 4], [4, 3, 1, 1], {}),
  // 16×16 outputs or more, few channels: the weight gradient takes a per-image path
  // (grads/_conv.ts): split taps at stride 1 unless the outputs outnumber the inputs 2:1 (3×3)
  {
    ...convCase("3x3 pad 1 on 16x16 (split-taps weight gradient)", [2, 3, 16, 16], [4, 3, 3, 3], {
      pads: [1, 1, 1, 1],
    }),
    sample: 64,
  },
  {
    ...convCase("3x3 pad 1 on 32x32 (split-taps weight gradient)", [2, 2, 32, 32], [3, 2, 3, 3], {
      pads: [1, 1, 1, 1],
    }),
    sample: 64,
  },
  {
    ...convCase(
      "3x2 dilations [2,3] asymmetric pads on 17x19 (split-taps weight gradient)",
      [1, 3, 20, 19],
      [3, 3, 3, 2],
      { pads: [1, 2, 0, 1], dilations: [2, 3] },
    ),
    sample: 64,
  },
  {
    ...convCase("1x3 no pads on 16x16 (split-taps weight gradient, one row tap)", [1, 6, 16, 18], [
      3,
      6,
      1,
      3,
    ], {}),
    sample: 64,
  },
  {
    ...convCase("3x3 pad 1 on 16x16, 2 to 4 channels (one-hot weight gradient)", [2, 2, 16, 16], [
      4,
      2,
      3,
      3,
    ], { pads: [1, 1, 1, 1] }),
    sample: 64,
  },
  {
    ...convCase("3x3 stride 2 pad 1 on 63x64 (per-image weight gradient)", [1, 2, 63, 64], [
      2,
      2,
      3,
      3,
    ], { strides: [2, 2], pads: [1, 1, 1, 1] }),
    sample: 64,
  },
  // N·P·Q = 4 < taps·C = 72: the weight gradient's Gemm is wider than its reduction
  convCase("3x3 pad 1, more channels than pixels", [1, 8, 2, 2], [6, 8, 3, 3], {
    pads: [1, 1, 1, 1],
  }),
  {
    name: "ConvTranspose stride 1 pad 1",
    shapes: { X: [2, 3, 4, 3], W: [3, 2, 3, 3] },
    forward: (b, [x, w]) => b.emit("ConvTranspose", [x, w], { pads: [1, 0, 1, 2] }),
  },
  {
    name: "Conv without bias",
    shapes: { X: [1, 2, 4, 4], W: [2, 2, 3, 3] },
    forward: conv({ pads: [1, 1, 1, 1], strides: [2, 2] }, false),
  },
  {
    name: "ConvTranspose stride 2 pad 1 output_padding 1",
    shapes: { X: [2, 3, 3, 3], W: [3, 2, 3, 3], B: [2] },
    forward: (b, [x, w, c]) =>
      b.emit("ConvTranspose", [x, w, c], {
        strides: [2, 2],
        pads: [1, 1, 1, 1],
        output_padding: [1, 1],
      }),
  },
  {
    name: "ConvTranspose strides [1,2] pads [0,1,1,0] output_padding [0,1]",
    shapes: { X: [1, 2, 3, 4], W: [2, 3, 2, 2] },
    forward: (b, [x, w]) =>
      b.emit("ConvTranspose", [x, w], {
        strides: [1, 2],
        pads: [0, 1, 1, 0],
        output_padding: [0, 1],
      }),
  },
  {
    name: "AveragePool 4x4 stride 4",
    shapes: { X: [2, 3, 4, 4] },
    forward: (b, [x]) => b.emit("AveragePool", [x], { kernel_shape: [4, 4], strides: [4, 4] }),
  },
  {
    name: "AveragePool 2x3 stride (2,3): windows that tile the input",
    shapes: { X: [2, 3, 4, 6] },
    forward: (b, [x]) => b.emit("AveragePool", [x], { kernel_shape: [2, 3], strides: [2, 3] }),
  },
  {
    name:
      "AveragePool 2x2 stride 2 on 4x4 with pads [1,1,0,0]: windows as wide as the stride, padded",
    shapes: { X: [1, 2, 4, 4] },
    forward: (b, [x]) =>
      b.emit("AveragePool", [x], { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 0, 0] }),
  },
  {
    name: "AveragePool 2x2 stride 2 on 5x4: the last row outside every window",
    shapes: { X: [1, 2, 5, 4] },
    forward: (b, [x]) => b.emit("AveragePool", [x], { kernel_shape: [2, 2], strides: [2, 2] }),
  },
  {
    name: "AveragePool 3x2 stride 2 pads, count_include_pad 0",
    shapes: { X: [2, 2, 5, 6] },
    forward: (b, [x]) =>
      b.emit("AveragePool", [x], { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 1, 1, 0] }),
  },
  {
    name: "AveragePool 3x3 stride 2 pad 1, count_include_pad 1",
    shapes: { X: [1, 2, 6, 6] },
    forward: (b, [x]) =>
      b.emit("AveragePool", [x], {
        kernel_shape: [3, 3],
        strides: [2, 2],
        pads: [1, 1, 1, 1],
        count_include_pad: 1,
      }),
  },
  {
    name: "GlobalAveragePool",
    shapes: { X: [2, 3, 3, 2] },
    forward: (b, [x]) => b.emit("GlobalAveragePool", [x]),
  },
  {
    name: "BatchNormalization inference mode, all five inputs",
    shapes: { X: [2, 3, 2, 2], S: [3], B: [3], M: [3], V: [3] },
    forward: (b, xs) => b.emit("BatchNormalization", xs, { epsilon: 0.01 }),
    ort64: true,
    domain: positiveVar,
  },
  {
    name: "Sqrt",
    shapes: { X: [2, 3] },
    forward: (b, [x]) => b.emit("Sqrt", [x]),
    ort64: true,
    domain: (v) => v * v + 0.3,
  },
  {
    name: "Slice axes [1,-1] with clamped ends",
    shapes: { X: [2, 4, 5] },
    forward: (b, [x]) =>
      b.emit("Slice", [
        x,
        b.int64s("st", [1, -4]),
        b.int64s("en", [3, 99]),
        b.int64s("ax", [1, -1]),
      ]),
    ort64: true,
  },
  {
    name: "Slice with steps [2,3] and a partial last stride",
    shapes: { X: [2, 7, 8] },
    forward: (b, [x]) =>
      b.emit("Slice", [
        x,
        b.int64s("st", [1, 0]),
        b.int64s("en", [7, 7]),
        b.int64s("ax", [1, 2]),
        b.int64s("sp", [2, 3]),
      ]),
    ort64: true,
  },
  {
    name: "Pad with a constant value input",
    shapes: { X: [2, 3], C: [] },
    forward: (b, [x, c]) => b.emit("Pad", [x, b.int64s("p", [1, 0, 2, 1]), c]),
    ort64: true,
  },
];

CASES.forEach((c, k) => {
  Deno.test(`emitBackward() matches central differences in float64: ${c.name}`, async () => {
    const feeds = Object.fromEntries(
      Object.entries(c.shapes).map(([name, s], i) => [
        name,
        seeded(s.reduce((p, d) => p * d, 1), 10 * k + i + 3).map((v) => c.domain?.(v, name) ?? v),
      ]),
    );
    const ortDtype = c.ort64 ? "float64" : "float32";
    const err = await checkGradients(c.shapes, c.forward, feeds, { ortDtype, sample: c.sample });
    console.log(
      `${c.name}: ref ${err.ref.toExponential(2)} ort(${ortDtype}) ${err.ort.toExponential(2)} ` +
        `forward ${err.ortForward.toExponential(2)}`,
    );
    assert.ok(err.ref <= 1e-6, `reference relative error ${err.ref}`);
    const tol = c.ort64 ? 1e-6 : 1e-5;
    assert.ok(err.ort <= tol, `ORT ${ortDtype} relative error ${err.ort}`);
    assert.ok(err.ortForward <= tol, `ORT ${ortDtype} forward relative error ${err.ortForward}`);
  });
});

/**
 * Op types of the backward nodes for `wrt` of the loss Σ y², with y [·,·,·,·] built by `forward`.
 */
function backwardOps(name: string, forward: (b: GraphBuilder) => [Tensor, Tensor]): string[] {
  const b = new GraphBuilder(name);
  const [y, wrt] = forward(b);
  const loss = b.emit("ReduceSum", [b.emit("Mul", [y, y]), b.int64s("all", [0, 1, 2, 3])], {
    keepdims: 0,
  });
  const before = b.nodes.length;
  emitBackward(b, loss, [wrt]);
  return b.nodes.slice(before).map((n) => n.op);
}

/**
 * Op types of the backward nodes a Conv on `x` (3×3 or `kernel`, `outputs` channels) with
 * `attrs` emits for W.
 */
function weightGradOps(x: number[], attrs: OpAttrs<"Conv">, kernel = 3, outputs = 2): string[] {
  return backwardOps("w", (b) => {
    const w = b.param("w", "float32", [outputs, x[1], kernel, kernel]);
    return [b.emit("Conv", [b.input("x", "float32", x), w], attrs), w];
  });
}

Deno.test("Conv weight gradient: per-image products from 16×16 outputs and 16 pixels per output channel, one Gemm otherwise", () => {
  assert.deepEqual([PER_IMAGE_MIN_PIXELS, PER_IMAGE_PIXELS_PER_CHANNEL], [256, 16]);
  // split taps: rows Gathered, ker shifted by one grouped Conv, a batched MatMul
  const splitTaps = (ops: string[]) =>
    ops.includes("MatMul") && ops.includes("Gather") && !ops.includes("Gemm");
  // one-hot im2col: a grouped Conv and a batched MatMul, no Gather
  const oneHot = (ops: string[]) =>
    ops.includes("MatMul") && !ops.includes("Gemm") && !ops.includes("Gather");
  const oneGemm = (ops: string[]) =>
    ops.includes("Gemm") && ops.includes("Gather") && !ops.includes("MatMul");
  const large = weightGradOps([2, 3, 32, 32], { pads: [1, 1, 1, 1] });
  assert.ok(splitTaps(large));
  // the shift is a grouped Conv: Mul's backward adds none
  assert.equal(large.filter((op) => op === "Conv").length, 1);
  assert.ok(splitTaps(weightGradOps([2, 3, 16, 16], { pads: [1, 1, 1, 1] })));
  assert.ok(oneGemm(weightGradOps([2, 3, 15, 16], { pads: [1, 1, 1, 1] })));
  // 16 output channels on 16×16 outputs still take a per-image path, 17 do not; 64 on 32×32
  // do, 65 not
  assert.ok(oneHot(weightGradOps([1, 2, 16, 16], { pads: [1, 1, 1, 1] }, 3, 16)));
  assert.ok(oneGemm(weightGradOps([1, 2, 16, 16], { pads: [1, 1, 1, 1] }, 3, 17)));
  assert.ok(splitTaps(weightGradOps([1, 64, 32, 32], { pads: [1, 1, 1, 1] }, 3, 64)));
  assert.ok(oneGemm(weightGradOps([1, 64, 32, 32], { pads: [1, 1, 1, 1] }, 3, 65)));
  // split taps while its copies, 3·B + 3·A channels, are fewer than the im2col's 9·B
  assert.ok(splitTaps(weightGradOps([1, 3, 32, 32], { pads: [1, 1, 1, 1] }, 3, 5)));
  assert.ok(oneHot(weightGradOps([1, 3, 32, 32], { pads: [1, 1, 1, 1] }, 3, 6)));
  assert.ok(oneHot(weightGradOps([1, 8, 32, 32], { pads: [1, 1, 1, 1] }, 3, 16)));
  // … and at stride 1 only
  const strided = weightGradOps([1, 8, 64, 64], { pads: [1, 1, 1, 1], strides: [2, 2] }, 3, 8);
  assert.ok(oneHot(strided));
  // a 1×1 kernel needs no columns, whatever the map size
  const pointwise = weightGradOps([2, 3, 32, 32], {}, 1);
  assert.ok(pointwise.includes("Gemm") && !pointwise.includes("Conv"));
});

/** The ops AveragePool's gradient rule emits for X of `shape` with `attrs`. */
function averagePoolGradOps(shape: number[], attrs: OpAttrs<"AveragePool">): string[] {
  return backwardOps("p", (b) => {
    const x = b.param("x", "float32", shape);
    return [b.emit("AveragePool", [x], attrs), x];
  });
}

Deno.test("AveragePool's gradient is an Expand where the windows tile the input, a ConvTranspose otherwise", () => {
  const expand = (ops: string[]) => ops.includes("Expand") && !ops.includes("ConvTranspose");
  const convT = (ops: string[]) => ops.includes("ConvTranspose");
  assert.ok(expand(averagePoolGradOps([2, 8, 4, 4], { kernel_shape: [4, 4], strides: [4, 4] })));
  assert.ok(expand(averagePoolGradOps([1, 2, 4, 6], { kernel_shape: [2, 3], strides: [2, 3] })));
  // a row outside every window, pads, overlapping windows, stride 1 by default
  assert.ok(convT(averagePoolGradOps([1, 2, 5, 4], { kernel_shape: [2, 2], strides: [2, 2] })));
  const padded = { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 0, 0] };
  assert.ok(convT(averagePoolGradOps([1, 2, 4, 4], padded)));
  assert.ok(convT(averagePoolGradOps([1, 2, 6, 6], { kernel_shape: [3, 3], strides: [2, 2] })));
  assert.ok(convT(averagePoolGradOps([1, 2, 2, 2], { kernel_shape: [2, 2] })));
});

Deno.test("AveragePool's gradient names a pool that is not 2-D", () => {
  const b = new GraphBuilder("p1");
  const x = b.param("x", "float32", [1, 2, 6]);
  const y = b.emit("AveragePool", [x], { kernel_shape: [2], strides: [2] });
  const loss = b.emit("ReduceSum", [y, b.int64s("all", [0, 1, 2])], { keepdims: 0 });
  assert.throws(
    () => emitBackward(b, loss, [x]),
    /Expected a 2-D AveragePool but found kernel \[2\]/,
  );
});

Deno.test("a grouped Conv or a batched MatMul in the forward pass has no gradient rule", () => {
  const b = new GraphBuilder("g");
  const x = b.param("x", "float64", [1, 4, 3, 3]);
  const w = b.param("w", "float64", [4, 2, 1, 1]);
  const y = b.emit("Conv", [x, w], { group: 2 });
  const loss = b.emit("ReduceSum", [y, b.int64s("all", [0, 1, 2, 3])], { keepdims: 0 });
  assert.throws(() => emitBackward(b, loss, [x, w]), GradientError);
  const m = new GraphBuilder("m");
  const a = m.param("a", "float64", [2, 3, 4]);
  const p = m.emit("MatMul", [a, m.param("c", "float64", [4, 2])]);
  const l2 = m.emit("ReduceSum", [p, m.int64s("all", [0, 1, 2])], { keepdims: 0 });
  assert.throws(() => emitBackward(m, l2, [a]), GradientError);
});
