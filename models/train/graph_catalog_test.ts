import assert from "node:assert/strict";
import { serializeModel } from "../onnx/mod.ts";
import { pipelineGraphs } from "./graph_catalog.ts";

Deno.test("pipelineGraphs() builds byte-stable graphs with unique files and complete updates", () => {
  const first = pipelineGraphs();
  const second = pipelineGraphs();
  const files = first.map((e) => e.file);
  assert.equal(new Set(files).size, files.length, "file names are unique");
  assert.ok(files.includes("fig2_mnist_fcn_train") && files.includes("cifar_fcn_eval"));
  for (let i = 0; i < first.length; i++) {
    const g = first[i].build();
    assert.deepEqual(serializeModel(g), serializeModel(second[i].build()), first[i].file);
    if (first[i].about.kind !== "train") continue;
    const outputs = new Set(g.outputs.map((v) => v.name));
    const params = g.inputs.filter((v) => v.name.endsWith(".weight") || v.name.endsWith(".bias"));
    assert.ok(params.length >= 2, first[i].file);
    for (const p of params) assert.ok(outputs.has(`${p.name}_next`), `${first[i].file}: ${p.name}`);
    assert.ok(outputs.has("loss"));
  }
});
