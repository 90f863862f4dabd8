import assert from "node:assert/strict";
import { GraphBuilder } from "../autodiff/mod.ts";
import { createRng } from "../rng.ts";
import { graphForProvider, ProviderError, ungroupSharedConvs } from "./provider.ts";
import { Session } from "./session.ts";
import { tinyResnetFeeds, tinyResnetStep } from "./_testing.ts";

/** X [2, g, 9, 7] through a grouped Conv (stride 2, pads) with `kernel` [g·m, 1, 3, 3]. */
function groupedConv(g: number, kernel: Float32Array | "input") {
  const b = new GraphBuilder("grouped");
  const x = b.input("x", "float32", [2, g, 9, 7]);
  const w = kernel === "input"
    ? b.input("w", "float32", [3 * g, 1, 3, 3])
    : b.constant("w", "float32", [kernel.length / 9, 1, 3, 3], kernel);
  const attrs = { strides: [2, 2], pads: [1, 0, 1, 1], dilations: [1, 1], group: g };
  b.output(b.emit("Conv", [x, w], attrs, { name: "y" }));
  return b.build();
}

const rng = createRng(6);
const shared = Float32Array.from({ length: 27 }, () => rng.normal());
const repeat = (k: Float32Array, g: number) => {
  const out = new Float32Array(k.length * g);
  for (let i = 0; i < g; i++) out.set(k, i * k.length);
  return out;
};

Deno.test("ungroupSharedConvs() turns a shared-kernel grouped Conv into Reshape, Conv, Reshape with the same result", async () => {
  const graph = groupedConv(4, repeat(shared, 4));
  const flat = ungroupSharedConvs(graph);
  assert.deepEqual(flat.nodes.map((n) => n.op), ["Reshape", "Conv", "Reshape"]);
  assert.equal(flat.nodes[1].attrs.group, undefined);
  assert.deepEqual(flat.nodes[1].attrs.strides, [2, 2]);
  assert.deepEqual(
    flat.initializers.map((t) => [t.name, t.shape]).sort(),
    [
      ["y/ungrouped_kernel", [3, 1, 3, 3]],
      ["y/ungrouped_out_shape", [4]],
      ["y/ungrouped_planes_shape", [4]],
    ].sort(),
  );
  assert.deepEqual(flat.nodes.at(-1)!.outputs, ["y"]);
  const x = Float32Array.from({ length: 2 * 4 * 9 * 7 }, () => rng.normal());
  const run = async (g: typeof graph) => {
    const s = await Session.create(g, { threads: 1, spin: false });
    try {
      return (await s.run({ x })).y as Float32Array;
    } finally {
      await s.release();
    }
  };
  const [want, got] = [await run(graph), await run(flat)];
  assert.equal(got.length, 2 * 12 * 5 * 3);
  assert.deepEqual(got, want);
});

Deno.test("ungroupSharedConvs() keeps grouped Convs whose kernels differ or are not constant, and graphForProvider() refuses them for webgpu", () => {
  const differ = repeat(shared, 4);
  differ[40] += 1;
  for (const graph of [groupedConv(4, differ), groupedConv(4, "input")]) {
    assert.equal(ungroupSharedConvs(graph), graph);
    assert.equal(graphForProvider(graph, "cpu"), graph);
    assert.throws(
      () => graphForProvider(graph, "webgpu"),
      (e: Error) =>
        e instanceof ProviderError &&
        e.message.includes('Expected no grouped Conv in graph "grouped"') &&
        e.message.includes('node "y" with group 4'),
    );
  }
});

Deno.test("ungroupSharedConvs() refuses to reuse an existing name", () => {
  const graph = groupedConv(4, repeat(shared, 4));
  const clash = {
    ...graph,
    inputs: [...graph.inputs, { ...graph.inputs[0], name: "y/ungrouped_planes" }],
  };
  assert.throws(() => ungroupSharedConvs(clash), /Expected "y\/ungrouped_planes" to be a new name/);
});

Deno.test("graphForProvider() rewrites ResNet-18's per-image weight-gradient Convs for webgpu only, and the rewritten step gives the same bytes on the CPU", async () => {
  const step = tinyResnetStep("resnet18_tiny", 2);
  const graph = step.graph;
  const grouped = (g: typeof graph) =>
    g.nodes.filter((n) => n.op === "Conv" && (n.attrs.group ?? 1) !== 1).length;
  // the stem, stage 1 (4 channels on 32×32) and stage 2 (8 on 16×16) take the per-image path
  assert.equal(grouped(graph), 9);
  assert.equal(graphForProvider(graph, "cpu"), graph);
  const web = graphForProvider(graph, "webgpu");
  assert.equal(grouped(web), 0);
  assert.deepEqual(web.inputs, graph.inputs);
  assert.deepEqual(web.outputs, graph.outputs);
  const feeds = tinyResnetFeeds(step, rng);
  const outs = [];
  for (const g of [graph, web]) {
    const s = await Session.create(g, { threads: 1, spin: false });
    try {
      outs.push(await s.run(feeds));
    } finally {
      await s.release();
    }
  }
  for (const v of graph.outputs) assert.deepEqual(outs[1][v.name], outs[0][v.name], v.name);
});

Deno.test("ungroupSharedConvs() keeps Convs it cannot ungroup: one group, several channels per group, a bias", () => {
  const build = (group: number, perGroup: number, bias: boolean) => {
    const b = new GraphBuilder("kept");
    const x = b.input("x", "float32", [2, group * perGroup, 9, 7]);
    const w = b.constant(
      "w",
      "float32",
      [3 * group, perGroup, 3, 3],
      repeat(shared, group * perGroup),
    );
    const ins = bias
      ? [x, w, b.constant("b", "float32", [3 * group], new Float32Array(3 * group).fill(1))]
      : [x, w];
    b.output(b.emit("Conv", ins, { pads: [1, 1, 1, 1], group }, { name: "y" }));
    return b.build();
  };
  for (const [group, perGroup, bias] of [[1, 1, false], [4, 2, false], [4, 1, true]] as const) {
    const graph = build(group, perGroup, bias);
    assert.equal(
      ungroupSharedConvs(graph),
      graph,
      `group ${group}, ${perGroup} per group, bias ${bias}`,
    );
  }
});

Deno.test("ungroupSharedConvs() refuses a new name that an existing node has", () => {
  const graph = groupedConv(4, repeat(shared, 4));
  const node = {
    name: "y/ungrouped_conv",
    op: "Identity" as const,
    inputs: ["x"],
    outputs: ["x_copy"],
    attrs: {},
  };
  assert.throws(
    () => ungroupSharedConvs({ ...graph, nodes: [...graph.nodes, node] }),
    /Expected "y\/ungrouped_conv" to be a new name in "grouped" but it exists/,
  );
});

Deno.test("Session.create() reports graphForProvider()'s own ProviderError for webgpu as it is", async () => {
  await assert.rejects(
    Session.create(groupedConv(4, "input"), { ep: "webgpu" }),
    (e: Error) =>
      e instanceof ProviderError && /Expected no grouped Conv in graph "grouped"/.test(e.message),
  );
});
