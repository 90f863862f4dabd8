import assert from "node:assert/strict";
import type { Graph } from "./ir.ts";
import { runGraph } from "./run.ts";

Deno.test("runGraph() feeds bool inputs as Uint8Array", async () => {
  const graph: Graph = {
    name: "mask",
    inputs: [{ name: "m", dtype: "bool", shape: [3] }],
    outputs: [{ name: "y", dtype: "float32", shape: [3] }],
    initializers: [],
    nodes: [{ name: "cast", op: "Cast", inputs: ["m"], outputs: ["y"], attrs: { to: 1 } }],
  };
  const out = await runGraph(graph, { m: Uint8Array.of(1, 0, 1) });
  assert.deepEqual(out.y.dims, [3]);
  assert.deepEqual(Array.from(out.y.data as Float32Array), [1, 0, 1]);
});

Deno.test("runGraph() names an input that was not fed", async () => {
  const graph: Graph = {
    name: "add",
    inputs: [
      { name: "a", dtype: "float64", shape: [1] },
      { name: "b", dtype: "float64", shape: [1] },
    ],
    outputs: [{ name: "y", dtype: "float64", shape: [1] }],
    initializers: [],
    nodes: [{ name: "add", op: "Add", inputs: ["a", "b"], outputs: ["y"], attrs: {} }],
  };
  await assert.rejects(
    runGraph(graph, { a: Float64Array.of(1) }),
    (e: Error) => e instanceof RangeError && /Expected a feed for input "b"/.test(e.message),
  );
});
