import assert from "node:assert/strict";
import pkg from "onnx-proto";
import { type Graph, IR_VERSION, OPSET, type ProviderGraph } from "./ir.ts";
import { rawBytes, serializeModel } from "./serialize.ts";

const { onnx } = pkg;

const GRAPH: Graph = {
  name: "g",
  inputs: [{ name: "a", dtype: "float32", shape: [2, 3] }],
  outputs: [{ name: "y", dtype: "float32", shape: [3, 4] }],
  initializers: [
    { name: "b", dtype: "float32", shape: [4, 2], data: new Float32Array(8).fill(0.5) },
    { name: "k", dtype: "int64", shape: [1], data: BigInt64Array.from([-1n]) },
  ],
  nodes: [{
    name: "gemm",
    op: "Gemm",
    inputs: ["a", "b"],
    outputs: ["y"],
    attrs: { transA: 1, transB: 1, alpha: 0.25 },
  }],
};

Deno.test("serializeModel() stamps the pinned opset and IR version and typed attributes", () => {
  const m = onnx.ModelProto.decode(serializeModel(GRAPH));
  assert.equal(Number(m.irVersion), IR_VERSION);
  assert.equal(m.opsetImport[0].domain, "");
  assert.equal(Number(m.opsetImport[0].version), OPSET);
  const attrs = m.graph!.node![0].attribute!;
  assert.deepEqual(attrs.map((a) => a.name), ["alpha", "transA", "transB"]);
  assert.equal(attrs[0].type, onnx.AttributeProto.AttributeType.FLOAT);
  assert.equal(attrs[1].type, onnx.AttributeProto.AttributeType.INT);
  assert.deepEqual(
    m.graph!.input![0].type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue)),
    [2, 3],
  );
});

Deno.test("serializeModel() rejects an attribute the op does not have", () => {
  const bad: Graph = { ...GRAPH, nodes: [{ ...GRAPH.nodes[0], attrs: { axis: 1 } }] };
  assert.throws(() => serializeModel(bad), /Expected a known attribute of "Gemm" but found "axis"/);
});

Deno.test("rawBytes() writes little-endian data", () => {
  const bytes = rawBytes(GRAPH.initializers[1]);
  assert.deepEqual([...bytes], [255, 255, 255, 255, 255, 255, 255, 255]);
  const f = rawBytes({ name: "f", dtype: "float64", shape: [1], data: new Float64Array([1]) });
  assert.deepEqual([...f], [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
});

Deno.test("rawBytes() writes one byte per bool element", () => {
  const mask = { name: "m", dtype: "bool" as const, shape: [3], data: Uint8Array.of(1, 0, 1) };
  assert.deepEqual([...rawBytes(mask)], [1, 0, 1]);
});

Deno.test("serializeModel() writes each node's doc as its doc_string", () => {
  const doc: Graph = { ...GRAPH, nodes: [{ ...GRAPH.nodes[0], doc: "Y = 0.25·Aᵀ·Bᵀ" }] };
  assert.equal(
    onnx.ModelProto.decode(serializeModel(doc)).graph!.node![0].docString,
    "Y = 0.25·Aᵀ·Bᵀ",
  );
  assert.equal(onnx.ModelProto.decode(serializeModel(GRAPH)).graph!.node![0].docString, "");
});

Deno.test("serializeModel() lists onnxruntime domains after ai.onnx, sorted by name", () => {
  const node = (domain: string, version: number) => ({
    name: domain,
    domain,
    version,
    op: "Identity",
    inputs: ["a"],
    outputs: [`${domain}_out`],
    attrs: {},
    attrKinds: {},
  });
  const imports = (nodes: ProviderGraph["nodes"]) =>
    onnx.ModelProto.decode(serializeModel({ ...GRAPH, nodes })).opsetImport.map((
      o,
    ) => [o.domain, Number(o.version)]);
  const [b, a] = [node("com.microsoft.nchwc", 1), node("com.microsoft", 2)];
  const want = [["", OPSET], ["com.microsoft", 2], ["com.microsoft.nchwc", 1]];
  assert.deepEqual(imports([b, a]), want);
  assert.deepEqual(imports([a, b]), want);
});
