import assert from "node:assert/strict";
import type { Graph } from "./ir.ts";
import { runGraph } from "./run.ts";
import { inferOutputs } from "./shape.ts";

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
