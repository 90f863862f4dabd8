import assert from "node:assert/strict";
import { runGraph } from "../../onnx/mod.ts";
import { checkGradients, seeded } from "../gradcheck.ts";
import { GraphBuilder, type Tensor } from "../builder.ts";
import { emitBackward } from "../backward.ts";

type Forward = (b: GraphBuilder, xs: Tensor[]) => Tensor;

interface Case {
  readonly name: string;
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  readonly forward: Forward;
  /** Maps raw values in [-2, 2) to a safe domain (away from kinks and poles). */
  readonly domain?: (v: number) => number;
  /** Step of the central differences (default: checkGradients'). */
  readonly h?: number;
}

const awayFromZero = (v: number) => Math.sign(v || 1) * (0.2 + Math.abs(v));
const unary = (op: "Neg" | "Relu" | "Identity" | "Exp"): Forward => (b, [x]) => b.emit(op, [x]);
const binary = (op: "Add" | "Sub" | "Mul" | "Div" | "MatMul"): Forward => (b, [x, y]) =>
  b.emit(op, [x, y]);
const gemm = (transA: number, transB: number, c: readonly number[]): Case => ({
  name: `Gemm transA=${transA} transB=${transB} C[${c}]`,
  shapes: { A: transA ? [4, 3] : [3, 4], B: transB ? [2, 4] : [4, 2], C: c },
  forward: (b, [a, bb, cc]) =>
    b.emit("Gemm", [a, bb, cc], { transA, transB, alpha: 0.7, beta: 1.3 }),
});

const CASES: readonly Case[] = [
  { name: "MatMul", shapes: { A: [3, 4], B: [4, 2] }, forward: binary("MatMul") },
  gemm(0, 0, [3, 2]),
  gemm(1, 0, [2]),
  gemm(0, 1, [3, 1]),
  gemm(1, 1, [1]),
  { name: "Add same shape", shapes: { A: [2, 3], B: [2, 3] }, forward: binary("Add") },
  {
    name: "Add broadcast [2,1,3]+[4,1]",
    shapes: { A: [2, 1, 3], B: [4, 1] },
    forward: binary("Add"),
  },
  { name: "Sub broadcast [2,3]-[2,1]", shapes: { A: [2, 3], B: [2, 1] }, forward: binary("Sub") },
  { name: "Sub broadcast scalar-[3]", shapes: { A: [], B: [3] }, forward: binary("Sub") },
  { name: "Mul broadcast [3,1]*[1,4]", shapes: { A: [3, 1], B: [1, 4] }, forward: binary("Mul") },
  {
    name: "Div broadcast [2,3]/[3]",
    shapes: { A: [2, 3], B: [3] },
    forward: binary("Div"),
    domain: awayFromZero,
  },
  {
    // B needs no gradient: the rule's branch that differentiates A alone
    name: "Div broadcast [2,3]/constant[3]",
    shapes: { A: [2, 3] },
    forward: (b, [x]) =>
      b.emit("Div", [x, b.constant("divisor", x.dtype, [3], Float64Array.of(0.5, -1.5, 2.5))]),
  },
  { name: "Neg", shapes: { X: [2, 3] }, forward: unary("Neg") },
  { name: "Relu", shapes: { X: [3, 4] }, forward: unary("Relu"), domain: awayFromZero },
  { name: "Identity", shapes: { X: [2, 3] }, forward: unary("Identity") },
  { name: "Exp", shapes: { X: [2, 3] }, forward: unary("Exp") },
  {
    name: "Reshape [2,6]->[3,4]",
    shapes: { X: [2, 6] },
    forward: (b, [x]) => b.emit("Reshape", [x, b.int64s("s", [3, 4])]),
  },
  {
    name: "Flatten axis=2",
    shapes: { X: [2, 3, 2] },
    forward: (b, [x]) => b.emit("Flatten", [x], { axis: 2 }),
  },
  {
    name: "Transpose perm=[2,0,1]",
    shapes: { X: [2, 3, 4] },
    forward: (b, [x]) => b.emit("Transpose", [x], { perm: [2, 0, 1] }),
  },
  {
    name: "Transpose default",
    shapes: { X: [2, 3] },
    forward: (b, [x]) => b.emit("Transpose", [x]),
  },
  {
    name: "Expand [3,1]->[2,3,4]",
    shapes: { X: [3, 1] },
    forward: (b, [x]) => b.emit("Expand", [x, b.int64s("s", [2, 3, 4])]),
  },
  {
    name: "ReduceSum axes=[1] keepdims=0",
    shapes: { X: [2, 3, 4] },
    forward: (b, [x]) => b.emit("ReduceSum", [x, b.int64s("ax", [1])], { keepdims: 0 }),
  },
  {
    name: "ReduceSum axes=[0,2] keepdims=1",
    shapes: { X: [2, 3, 4] },
    forward: (b, [x]) => b.emit("ReduceSum", [x, b.int64s("ax", [0, 2])], { keepdims: 1 }),
  },
  {
    name: "ReduceMean axes=[-1] keepdims=0",
    shapes: { X: [2, 3, 4] },
    forward: (b, [x]) => b.emit("ReduceMean", [x], { axes: [-1], keepdims: 0 }),
  },
  {
    name: "ReduceMean axes=[0] keepdims=1",
    shapes: { X: [3, 2] },
    forward: (b, [x]) => b.emit("ReduceMean", [x], { axes: [0], keepdims: 1 }),
  },
  {
    name: "LogSoftmax axis=1",
    shapes: { X: [3, 4] },
    forward: (b, [x]) => b.emit("LogSoftmax", [x], { axis: 1 }),
  },
  {
    name: "LogSoftmax axis=0",
    shapes: { X: [3, 4] },
    forward: (b, [x]) => b.emit("LogSoftmax", [x], { axis: 0 }),
  },
  {
    name: "Cast float64->float64",
    shapes: { X: [2, 2] },
    forward: (b, [x]) => b.emit("Cast", [x], { to: 11 }),
  },
  {
    // through float32 and back: values and step are multiples of 2^-6, so x ± h is exact in
    // float32 (the default step, 1e-5, would be mostly rounded away)
    name: "Cast float64->float32->float64",
    shapes: { X: [2, 3] },
    forward: (b, [x]) => b.emit("Cast", [b.emit("Cast", [x], { to: 1 })], { to: 11 }),
    domain: (v) => Math.round(v * 64) / 64,
    h: 2 ** -6,
  },
  {
    name: "Gather axis=1 with repeats and a negative index",
    shapes: { X: [2, 4, 3] },
    forward: (b, [x]) => b.emit("Gather", [x, b.int64s("i", [3, 0, -1, 1, 3])], { axis: 1 }),
  },
  {
    name: "Gather axis=0",
    shapes: { X: [3, 2] },
    forward: (b, [x]) => b.emit("Gather", [x, b.int64s("i", [2, 2, 0])]),
  },
  {
    name: "fan-out x*x + x·w",
    shapes: { X: [2, 3], W: [3, 3] },
    forward: (b, [x, w]) => b.emit("Add", [b.emit("Mul", [x, x]), b.emit("MatMul", [x, w])]),
  },
];

CASES.forEach((c, k) => {
  Deno.test(`emitBackward() matches central differences in float64: ${c.name}`, async () => {
    const feeds = Object.fromEntries(
      Object.entries(c.shapes).map(([name, s], i) => [
        name,
        seeded(s.reduce((p, d) => p * d, 1), 10 * k + i + 1).map(c.domain ?? ((v) => v)),
      ]),
    );
    const err = await checkGradients(c.shapes, c.forward, feeds, { h: c.h });
    console.log(`${c.name}: ort ${err.ort.toExponential(2)} ref ${err.ref.toExponential(2)}`);
    assert.ok(err.ort <= 1e-6, `ORT relative error ${err.ort}`);
    assert.ok(err.ref <= 1e-6, `reference relative error ${err.ref}`);
    assert.ok(err.ortForward <= 1e-12, `ORT forward vs the reference, relative ${err.ortForward}`);
  });
});

// ONNX Runtime has no float64 HardSigmoid: its gradient runs there in float32 (tolerance 1e-5).
for (const [alpha, beta] of [[undefined, undefined], [2, 0.5]]) {
  Deno.test(`emitBackward() matches central differences: HardSigmoid α=${alpha} β=${beta}`, async () => {
    const attrs = alpha === undefined ? {} : { alpha, beta };
    // with α = 2, β = 0.5 the kinks are at x = ±0.25: |x| < 0.2 inside them, |x| ≥ 0.3 clamped
    const domain = alpha === undefined
      ? (v: number) => v
      : (v: number) => (Math.abs(v) < 1 ? 0.2 * v : Math.sign(v) * (Math.abs(v) - 0.7));
    const feeds = { X: seeded(12, 77).map(domain) };
    const forward = (b: GraphBuilder, [x]: Tensor[]) => b.emit("HardSigmoid", [x], attrs);
    const err = await checkGradients({ X: [3, 4] }, forward, feeds, { ortDtype: "float32" });
    assert.ok(err.ref <= 1e-6, `reference relative error ${err.ref}`);
    assert.ok(err.ort <= 1e-5, `ORT float32 relative error ${err.ort}`);
    assert.ok(err.ortForward <= 1e-5, `ORT float32 forward relative error ${err.ortForward}`);
  });
}

Deno.test("Relu's float32 gradient masks exactly: dX = dY where Y > 0, subnormal Y included, else 0", async () => {
  const x = Float32Array.of(
    0,
    -0,
    2 ** -149,
    2 ** -127,
    2 ** -126,
    1e-30,
    1,
    3e38,
    -1,
    -(2 ** -149),
  );
  const b = new GraphBuilder("relu_mask");
  const xt = b.input("x", "float32", [x.length]);
  const dy = b.input("dy", "float32", [x.length]);
  const y = b.emit("Relu", [xt], {}, { name: "y" });
  const loss = b.emit("ReduceSum", [b.emit("Mul", [y, dy]), b.int64s("axes", [0])], {
    keepdims: 0,
  });
  const [dx] = emitBackward(b, loss, [xt]);
  b.output(dx);
  const g = b.build();
  assert.ok(g.nodes.some((n) => n.op === "HardSigmoid"), "the float32 mask is HardSigmoid's");
  const r = Float32Array.from(x, (_, i) => 1.5 + i);
  const out = await runGraph(g, { x, dy: r });
  const want = Float32Array.from(x, (v, i) => (v > 0 ? r[i] : 0));
  assert.deepEqual(Array.from(out[dx.name].data as Float32Array), Array.from(want));
});
