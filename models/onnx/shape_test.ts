import assert from "node:assert/strict";
import type { Graph } from "./ir.ts";
import { runGraph } from "./run.ts";
import { checkArity, inferOutputs, normAxis } from "./shape.ts";

Deno.test("inferOutputs() checks Gather's constant indices against the gathered axis", () => {
  const data = { name: "x", dtype: "float64" as const, shape: [3, 4] };
  const indices = (value: number[]) => ({
    name: "i",
    dtype: "int64" as const,
    shape: [value.length],
    value,
  });
  const [out] = inferOutputs("Gather", [data, indices([3, -4, 0])], { axis: 1 });
  assert.deepEqual(out.shape, [3, 3]);
  assert.throws(
    () => inferOutputs("Gather", [data, indices([0, 4])], { axis: 1 }),
    /Expected Gather indices in \[-4, 3\] but found 4/,
  );
  assert.throws(
    () => inferOutputs("Gather", [data, indices([-5])], { axis: 1 }),
    /Expected Gather indices in \[-4, 3\] but found -5/,
  );
  assert.throws(
    () => inferOutputs("Gather", [data, indices([3])], { axis: 0 }),
    /Expected Gather indices in \[-3, 2\] but found 3/,
  );
});

Deno.test("runGraph() refuses a feed whose array type is not the input's dtype", async () => {
  const graph: Graph = {
    name: "id",
    inputs: [{ name: "x", dtype: "float64", shape: [2] }],
    outputs: [{ name: "y", dtype: "float64", shape: [2] }],
    initializers: [],
    nodes: [{ name: "n", op: "Identity", inputs: ["x"], outputs: ["y"], attrs: {} }],
  };
  assert.deepEqual(
    Array.from((await runGraph(graph, { x: Float64Array.of(1, 2) })).y.data as Float64Array),
    [1, 2],
  );
  await assert.rejects(
    runGraph(graph, { x: Float32Array.of(1, 2) }),
    /Expected Float64Array for input "x" but found Float32Array/,
  );
});

const f64 = (shape: number[]) => ({ dtype: "float64" as const, shape });
const i64 = (value: number[]) => ({ dtype: "int64" as const, shape: [value.length], value });

Deno.test("normAxis() accepts axes in [-rank, rank) only", () => {
  assert.equal(normAxis(-2, 2), 0);
  assert.equal(normAxis(1, 2), 1);
  assert.throws(() => normAxis(2, 2), /Expected an axis in \[-2, 2\) but found 2/);
  assert.throws(() => normAxis(-3, 2), /Expected an axis in \[-2, 2\) but found -3/);
});

Deno.test("inferOutputs() applies ONNX's attribute defaults and negative Flatten axes", () => {
  const x = f64([2, 3, 4]);
  // Flatten axis 1; ReduceSum and ArgMax keepdims 1; ArgMax axis 0; Transpose reverses the axes
  assert.deepEqual(inferOutputs("Flatten", [x], {})[0].shape, [2, 12]);
  assert.deepEqual(inferOutputs("Flatten", [x], { axis: -1 })[0].shape, [6, 4]);
  assert.deepEqual(inferOutputs("ReduceSum", [x, i64([1])], {})[0].shape, [2, 1, 4]);
  assert.deepEqual(inferOutputs("ReduceSum", [x, i64([1])], { keepdims: 0 })[0].shape, [2, 4]);
  const [arg] = inferOutputs("ArgMax", [x], {});
  assert.deepEqual([arg.dtype, arg.shape], ["int64", [1, 3, 4]]);
  assert.deepEqual(inferOutputs("Transpose", [x], {})[0].shape, [4, 3, 2]);
});

Deno.test("inferOutputs() maps Cast's TensorProto code and requires it", () => {
  const x = f64([2]);
  assert.equal(inferOutputs("Cast", [x], { to: 7 })[0].dtype, "int64");
  assert.equal(inferOutputs("Cast", [x], { to: 9 })[0].dtype, "bool");
  assert.throws(() => inferOutputs("Cast", [x], {}), /Expected a supported Cast "to"/);
  assert.throws(() => inferOutputs("Cast", [x], { to: 6 }), /Expected a supported Cast "to"/);
});

Deno.test("inferOutputs() rejects mixed dtypes in Pad and BatchNormalization", () => {
  const pads = i64([0, 1, 0, 1]);
  const value = { dtype: "float32" as const, shape: [] };
  assert.deepEqual(inferOutputs("Pad", [f64([2, 3]), pads, f64([])], {})[0].shape, [2, 5]);
  assert.throws(() => inferOutputs("Pad", [f64([2, 3]), pads, value], {}), /equal dtypes in "Pad"/);
  const c = f64([2]);
  const c32 = { dtype: "float32" as const, shape: [2] };
  assert.throws(
    () => inferOutputs("BatchNormalization", [f64([1, 2, 3, 3]), c, c, c32, c], {}),
    /equal dtypes in "BatchNormalization"/,
  );
});

Deno.test("inferOutputs() takes Gather indices as int64 from data of rank >= 1", () => {
  const idx = { dtype: "float64" as const, shape: [1], value: [0] };
  assert.throws(() => inferOutputs("Gather", [f64([3]), idx], {}), /int64 Gather indices/);
  assert.throws(() => inferOutputs("Gather", [f64([]), i64([0])], {}), /rank >= 1/);
});

Deno.test("inferOutputs() checks Gemm's rank and Reshape's element count", () => {
  assert.deepEqual(inferOutputs("Gemm", [f64([2, 3]), f64([4, 3])], { transB: 1 })[0].shape, [
    2,
    4,
  ]);
  assert.throws(() => inferOutputs("Gemm", [f64([2, 3, 5]), f64([3, 4])], {}), RangeError);
  assert.deepEqual(inferOutputs("Reshape", [f64([2, 6]), i64([3, 4])], {})[0].shape, [3, 4]);
  assert.throws(
    () => inferOutputs("Reshape", [f64([2, 6]), i64([3, 5])], {}),
    /Expected a positive shape with 12 elements but found \[3,5\]/,
  );
  // ONNX reads a 0 as "copy that input dimension", which this IR does not support; here it would
  // copy 2 and ask for 10 elements of an empty tensor
  assert.throws(() => inferOutputs("Reshape", [f64([2, 0]), i64([0, 5])], {}), /positive shape/);
});

Deno.test("checkArity() accepts omitted optional inputs and rejects extra ones", () => {
  checkArity("Gemm", 2, "fc");
  checkArity("Gemm", 3, "fc");
  assert.throws(() => checkArity("Gemm", 1, "fc"), /Expected 2..3 inputs for "Gemm"/);
  assert.throws(
    () => checkArity("Relu", 2, "act"),
    /Expected 1..1 inputs for "Relu" at node "act" but found 2/,
  );
});
