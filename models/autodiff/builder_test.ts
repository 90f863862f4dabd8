import assert from "node:assert/strict";
import { GraphBuilder } from "./builder.ts";

Deno.test("GraphBuilder.emit() infers shapes and names nodes deterministically", () => {
  const b = new GraphBuilder("g");
  const x = b.input("x", "float32", [2, 3]);
  const w = b.param("fc1.weight", "float32", [4, 3]);
  const y = b.emit("Gemm", [x, w], { transB: 1 });
  const z = b.emit("Relu", [y], {}, { name: "act1" });
  assert.deepEqual([y.name, y.shape], ["Gemm_0", [2, 4]]);
  assert.deepEqual([z.name, z.dtype], ["act1", "float32"]);
  assert.deepEqual(b.params, ["fc1.weight"]);
});

Deno.test("GraphBuilder.emit() rejects bad shapes, dtypes, arity and duplicate names", () => {
  const b = new GraphBuilder("g");
  const x = b.input("x", "float32", [2, 3]);
  const d = b.input("d", "float64", [2, 3]);
  assert.throws(() => b.emit("MatMul", [x, x]), RangeError);
  assert.throws(() => b.emit("Add", [x, d]), /Expected equal dtypes in "Add"/);
  assert.throws(() => b.emit("Add", [x]), /Expected 2\.\.2 inputs for "Add"/);
  assert.throws(() => b.emit("Add", [x, b.input("z", "float32", [4])]), /broadcastable/);
  assert.throws(() => b.emit("Reshape", [x, d]), /constant int64 initializer/);
  assert.throws(() => b.input("x", "float32", [1]), /Expected a new tensor name but found "x"/);
});

Deno.test("GraphBuilder.emit() accepts only a C that Gemm can broadcast one way", () => {
  const b = new GraphBuilder("g");
  const a = b.input("a", "float32", [2, 3]);
  const w = b.input("w", "float32", [3, 4]);
  assert.deepEqual(b.emit("Gemm", [a, w, b.input("c", "float32", [4])]).shape, [2, 4]);
  assert.throws(
    () => b.emit("Gemm", [a, w, b.input("c3", "float32", [1, 2, 4])]),
    /broadcast to \[2,4\]/,
  );
});
