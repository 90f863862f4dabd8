import assert from "node:assert/strict";
import type { Graph, Initializer, ValueInfo } from "../ir.ts";
import { type AttrBag, OP_TYPES, type OpType } from "../ops.ts";
import { runGraph } from "../run.ts";
import { inferOutputs } from "../shape.ts";
import { evalGraph, toFloat64 } from "./eval.ts";

interface Case {
  readonly op: OpType;
  readonly shapes: readonly (readonly number[])[];
  readonly attrs?: AttrBag;
  /** Int64 constant inputs after the data inputs (shape, axes, starts, ends, pads). */
  readonly ints?: readonly (readonly number[])[];
  /** float32 where onnxruntime has no float64 CPU kernel (Conv, ConvTranspose, the pools). */
  readonly dtype?: "float32";
  /** Float inputs that follow the int64 constants (Pad's constant_value). */
  readonly tail?: readonly (readonly number[])[];
}

const CONV = { strides: [2, 1], pads: [1, 0, 0, 1] };

const CASES: readonly Case[] = [
  { op: "MatMul", shapes: [[2, 3], [3, 4]] },
  { op: "MatMul", shapes: [[2, 3, 4], [2, 4, 5]] },
  { op: "MatMul", shapes: [[2, 1, 3, 4], [3, 4, 2]] },
  {
    op: "Gemm",
    shapes: [[3, 2], [4, 3], [4]],
    attrs: { transA: 1, transB: 1, alpha: 0.5, beta: 2 },
  },
  { op: "Add", shapes: [[2, 3], [3]] },
  { op: "Sub", shapes: [[2, 1], [1, 3]] },
  { op: "Mul", shapes: [[2, 3], [2, 3]] },
  { op: "Div", shapes: [[2, 3], [2, 1]] },
  { op: "Greater", shapes: [[2, 3], [3]] },
  { op: "Equal", shapes: [[2, 3], [2, 3]] },
  { op: "Neg", shapes: [[2, 3]] },
  { op: "Relu", shapes: [[2, 3]] },
  // ORT has HardSigmoid in float32 only
  { op: "HardSigmoid", shapes: [[2, 3]], attrs: { alpha: 0.3, beta: 0.4 }, dtype: "float32" },
  { op: "Identity", shapes: [[2, 3]] },
  { op: "Exp", shapes: [[2, 3]] },
  { op: "LogSoftmax", shapes: [[2, 3]], attrs: { axis: 1 } },
  { op: "Cast", shapes: [[2, 3]], attrs: { to: 1 } },
  { op: "ArgMax", shapes: [[2, 3]], attrs: { axis: 1, keepdims: 0 } },
  { op: "Flatten", shapes: [[2, 3, 2]], attrs: { axis: 1 } },
  { op: "Transpose", shapes: [[2, 3, 4]], attrs: { perm: [2, 0, 1] } },
  { op: "Reshape", shapes: [[2, 3]], ints: [[3, 2]] },
  { op: "Expand", shapes: [[3, 1]], ints: [[2, 3, 4]] },
  { op: "ReduceSum", shapes: [[2, 3, 4]], ints: [[0, 2]], attrs: { keepdims: 0 } },
  { op: "ReduceMean", shapes: [[2, 3, 4]], attrs: { axes: [-1], keepdims: 1 } },
  { op: "Sqrt", shapes: [[2, 3]] },
  { op: "Slice", shapes: [[3, 4, 5]], ints: [[1, -4], [3, 100], [0, 2]] },
  { op: "Slice", shapes: [[3, 7, 6]], ints: [[0, 1, 5], [3, 7, 100], [0, 1, 2], [2, 3, 4]] },
  { op: "Pad", shapes: [[2, 3]], ints: [[1, 0, 0, 2]], tail: [[]] },
  { op: "Gather", shapes: [[3, 4, 2]], ints: [[2, 0, -1, 2, 3]], attrs: { axis: 1 } },
  { op: "Gather", shapes: [[3, 2]], ints: [[1, 1]] },
  { op: "Conv", shapes: [[2, 3, 5, 4], [4, 3, 3, 2], [4]], attrs: CONV, dtype: "float32" },
  {
    op: "Conv",
    shapes: [[2, 4, 5, 4], [6, 2, 3, 2], [6]],
    attrs: { ...CONV, group: 2 },
    dtype: "float32",
  },
  {
    op: "ConvTranspose",
    shapes: [[2, 3, 3, 4], [3, 2, 3, 2], [2]],
    attrs: { ...CONV, output_padding: [1, 0] },
    dtype: "float32",
  },
  {
    op: "BatchNormalization",
    shapes: [[2, 3, 2, 2], [3], [3], [3], [3]],
    attrs: { epsilon: 0.01 },
  },
  {
    op: "AveragePool",
    shapes: [[2, 3, 5, 5]],
    attrs: { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 1, 1, 0] },
    dtype: "float32",
  },
  {
    op: "AveragePool",
    shapes: [[1, 2, 4, 4]],
    attrs: { kernel_shape: [3, 3], strides: [1, 2], pads: [1, 1, 1, 1], count_include_pad: 1 },
    dtype: "float32",
  },
  { op: "GlobalAveragePool", shapes: [[2, 3, 2, 3]], dtype: "float32" },
];

function values(n: number, seed: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * 2);
}

function graphOf(c: Case): Graph {
  const dtype = c.dtype ?? "float64";
  const inputs: ValueInfo[] = [...c.shapes, ...(c.tail ?? [])].map((s, i) => ({
    name: `x${i}`,
    dtype,
    shape: s,
  }));
  const initializers: Initializer[] = (c.ints ?? []).map((v, i) => ({
    name: `k${i}`,
    dtype: "int64",
    shape: [v.length],
    data: BigInt64Array.from(v, BigInt),
  }));
  const data = inputs.slice(0, c.shapes.length);
  const inf = [
    ...data,
    ...initializers.map((k, i) => ({ ...k, value: c.ints![i] })),
    ...inputs.slice(c.shapes.length),
  ];
  const [out] = inferOutputs(c.op, inf, c.attrs ?? {});
  return {
    name: c.op,
    inputs,
    outputs: [{ name: "y", ...out }],
    initializers,
    nodes: [{
      name: "n",
      op: c.op,
      inputs: inf.map((v) => v.name),
      outputs: ["y"],
      attrs: c.attrs ?? {},
    }],
  };
}

Deno.test("evalGraph() covers every OpType in the test table", () => {
  assert.deepEqual([...new Set(CASES.map((c) => c.op))].sort(), [...OP_TYPES].sort());
});

Deno.test("evalGraph() matches onnxruntime kernels on every op (float64 where ORT has it)", async () => {
  for (const c of CASES) {
    const g = graphOf(c);
    const tol = c.dtype === "float32" ? 1e-6 : 1e-12;
    const feeds = Object.fromEntries(
      g.inputs.map((v, i) => {
        const x = values(v.shape.reduce((p, d) => p * d, 1), i + 1);
        // Variances and square roots need positive inputs.
        const positive = (c.op === "BatchNormalization" && i === 4) || c.op === "Sqrt";
        const pos = positive ? x.map((u) => u * u + 0.1) : x;
        return [v.name, c.dtype === "float32" ? Float32Array.from(pos) : pos];
      }),
    );
    const ref = evalGraph(g, feeds).y;
    const ort = (await runGraph(g, feeds)).y;
    assert.deepEqual([...ort.dims], [...ref.shape], c.op);
    const got = toFloat64(ort.data);
    for (let i = 0; i < got.length; i++) {
      assert.ok(
        Math.abs(got[i] - ref.data[i]) <= tol * (1 + Math.abs(ref.data[i])),
        `${c.op}[${i}]: ${got[i]} vs ${ref.data[i]}`,
      );
    }
  }
});

Deno.test("evalGraph() matches onnxruntime on ArgMax ties (first index) and float-to-int64 casts (toward 0)", async () => {
  const cases: [Case, number[], number[]][] = [
    [{ op: "ArgMax", shapes: [[2, 3]], attrs: { axis: 1, keepdims: 0 } }, [1, 3, 3, 2, 2, 1], [
      1,
      0,
    ]],
    [{ op: "Cast", shapes: [[6]], attrs: { to: 7 } }, [-1.7, -0.5, 0.5, 1.5, 1.7, 2.5], [
      -1,
      0,
      0,
      1,
      1,
      2,
    ]],
  ];
  for (const [c, input, expected] of cases) {
    const g = graphOf(c);
    const feeds = { [g.inputs[0].name]: Float64Array.from(input) };
    const ref = evalGraph(g, feeds).y;
    const ort = (await runGraph(g, feeds)).y;
    // (+ 0: the evaluator keeps int64 values as float64, where truncating −0.5 gives −0)
    assert.deepEqual(Array.from(ref.data, (v) => v + 0), expected, `${c.op} reference`);
    assert.deepEqual(Array.from(toFloat64(ort.data)), expected, `${c.op} onnxruntime`);
  }
});
