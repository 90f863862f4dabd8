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
  /** Int64 constant second input (shape, axes). */
  readonly ints?: readonly number[];
}

const CASES: readonly Case[] = [
  { op: "MatMul", shapes: [[2, 3], [3, 4]] },
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
  { op: "Identity", shapes: [[2, 3]] },
  { op: "Exp", shapes: [[2, 3]] },
  { op: "LogSoftmax", shapes: [[2, 3]], attrs: { axis: 1 } },
  { op: "Cast", shapes: [[2, 3]], attrs: { to: 1 } },
  { op: "ArgMax", shapes: [[2, 3]], attrs: { axis: 1, keepdims: 0 } },
  { op: "Flatten", shapes: [[2, 3, 2]], attrs: { axis: 1 } },
  { op: "Transpose", shapes: [[2, 3, 4]], attrs: { perm: [2, 0, 1] } },
  { op: "Reshape", shapes: [[2, 3]], ints: [3, 2] },
  { op: "Expand", shapes: [[3, 1]], ints: [2, 3, 4] },
  { op: "ReduceSum", shapes: [[2, 3, 4]], ints: [0, 2], attrs: { keepdims: 0 } },
  { op: "ReduceMean", shapes: [[2, 3, 4]], attrs: { axes: [-1], keepdims: 1 } },
];

function values(n: number, seed: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * 2);
}

function graphOf(c: Case): Graph {
  const inputs: ValueInfo[] = c.shapes.map((s, i) => ({
    name: `x${i}`,
    dtype: "float64",
    shape: s,
  }));
  const initializers: Initializer[] = c.ints
    ? [{
      name: "k",
      dtype: "int64",
      shape: [c.ints.length],
      data: BigInt64Array.from(c.ints, BigInt),
    }]
    : [];
  const inf = [...inputs, ...initializers.map((k) => ({ ...k, value: c.ints }))];
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

Deno.test("evalGraph() matches onnxruntime float64 kernels on every op", async () => {
  for (const c of CASES) {
    const g = graphOf(c);
    const feeds = Object.fromEntries(
      g.inputs.map((v, i) => [v.name, values(v.shape.reduce((p, d) => p * d, 1), i + 1)]),
    );
    const ref = evalGraph(g, feeds).y;
    const ort = (await runGraph(g, feeds)).y;
    assert.deepEqual([...ort.dims], [...ref.shape], c.op);
    const got = toFloat64(ort.data);
    for (let i = 0; i < got.length; i++) {
      assert.ok(
        Math.abs(got[i] - ref.data[i]) <= 1e-12 * (1 + Math.abs(ref.data[i])),
        `${c.op}[${i}]: ${got[i]} vs ${ref.data[i]}`,
      );
    }
  }
});
