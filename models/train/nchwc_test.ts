import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import pkg from "onnx-proto";
import { GraphBuilder } from "../autodiff/mod.ts";
import {
  type DType,
  type Graph,
  isDomainNode,
  type ProviderGraph,
  serializeModel,
  sizeOf,
  type TensorData,
} from "../onnx/mod.ts";
import { createRng } from "../rng.ts";
import {
  blockFilter,
  detectNchwcBlock,
  NCHWC_DOMAIN,
  nchwcBlockSize,
  nchwcConvs,
} from "./nchwc.ts";
import { graphForProvider } from "./provider.ts";
import { Session } from "./session.ts";
import { tinyResnetFeeds, tinyResnetStep } from "./_testing.ts";

const { onnx } = pkg;

// 16 with AVX-512, 8 with AVX2; 0 where onnxruntime has no NCHWc kernels (the tests that need
// them are then ignored, and training keeps every Conv in NCHW)
const block = await nchwcBlockSize();

Deno.test({
  name: "nchwcBlockSize() finds a block width on x86-64, where onnxruntime has NCHWc kernels",
  // every x86-64 machine we run on has AVX2 at least; a probe that finds 0 there would silently
  // turn the rewrite off and skip the tests below
  ignore: Deno.build.arch !== "x86_64",
  fn: () => assert.ok(block === 16 || block === 8, `block width ${block}`),
});
const other = block === 16 ? 8 : 16;

interface ConvCase {
  x: [number, number, number, number];
  w: [number, number, number, number];
  attrs: Record<string, number | number[]>;
  bias?: boolean;
  dtype?: DType;
}

/** One graph holding every case as a separate Conv on its own input. */
function convs(cases: ConvCase[], dtype: DType = "float32"): Graph {
  const b = new GraphBuilder("convs");
  cases.forEach((c, i) => {
    const x = b.input(`x${i}`, c.dtype ?? dtype, c.x);
    const w = b.input(`w${i}`, c.dtype ?? dtype, c.w);
    const ins = c.bias ? [x, w, b.input(`b${i}`, c.dtype ?? dtype, [c.w[0]])] : [x, w];
    b.output(b.emit("Conv", ins, c.attrs, { name: `y${i}` }));
  });
  return b.build();
}

const rng = createRng(11);
const feedsOf = (g: Graph): Record<string, TensorData> =>
  Object.fromEntries(g.inputs.map((v) => {
    const n = sizeOf(v.shape);
    const data = v.dtype === "float64"
      ? Float64Array.from({ length: n }, () => rng.normal())
      : Float32Array.from({ length: n }, () => rng.normal());
    return [v.name, data];
  }));

/** Runs `g` as it is (no rewrite) on onnxruntime's CPU provider; outputs by name. */
async function run(g: Graph | ProviderGraph, feeds: Record<string, TensorData>) {
  const s = await ort.InferenceSession.create(serializeModel(g), { intraOpNumThreads: 2 });
  try {
    const ortFeeds = Object.fromEntries(g.inputs.map((v) => {
      const type = v.dtype === "float64" ? "float64" : "float32";
      return [v.name, new ort.Tensor(type, feeds[v.name] as Float32Array, [...v.shape])];
    }));
    const out = await s.run(ortFeeds);
    return Object.fromEntries(g.outputs.map((v) => [v.name, out[v.name].data]));
  } finally {
    await s.release();
  }
}

/** Largest |a − b| over the largest |b| (or absolute where b is all 0), for every output. */
function relErrors(g: Graph, a: Record<string, unknown>, b: Record<string, unknown>) {
  return g.outputs.map((v) => {
    const [x, y] = [a[v.name], b[v.name]] as Float32Array[];
    let d = 0;
    let m = 0;
    for (let i = 0; i < y.length; i++) {
      d = Math.max(d, Math.abs(x[i] - y[i]));
      m = Math.max(m, Math.abs(y[i]));
    }
    return m === 0 ? d : d / m;
  });
}

const B = Math.max(block, 8);
const ELIGIBLE: ConvCase[] = [
  // ResNet-18's shapes in miniature: 3×3 stride 1 and 2, 1×1 stride 2 with a bias, asymmetric
  // pads, a dilation and a rectangular kernel
  { x: [2, B, 9, 7], w: [2 * B, B, 3, 3], attrs: { pads: [1, 1, 1, 1] } },
  { x: [3, 2 * B, 8, 8], w: [B, 2 * B, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
  { x: [2, B, 8, 6], w: [B, B, 1, 1], attrs: { strides: [2, 2] }, bias: true },
  { x: [1, B, 7, 9], w: [B, B, 3, 2], attrs: { pads: [0, 1, 2, 0], dilations: [2, 1] } },
];
const KEPT: ConvCase[] = [
  { x: [2, 3, 8, 8], w: [B, 3, 3, 3], attrs: { pads: [1, 1, 1, 1] } }, // 3 input channels
  { x: [2, B, 8, 8], w: [B + 4, B, 3, 3], attrs: { pads: [1, 1, 1, 1] } }, // outputs not in blocks
  { x: [2, 2 * B, 6, 6], w: [2 * B, B, 3, 3], attrs: { group: 2, pads: [1, 1, 1, 1] } },
  { x: [2, B, 6, 6], w: [B, B, 3, 3], attrs: { pads: [1, 1, 1, 1] }, dtype: "float64" },
];

Deno.test({
  name: "nchwcConvs() computes eligible Convs on the NCHWc kernels with the plain Conv's result",
  ignore: block === 0,
  fn: async () => {
    const g = convs(ELIGIBLE);
    const rw = nchwcConvs(g, block);
    const domain = rw.nodes.filter(isDomainNode);
    assert.equal(domain.filter((n) => n.op === "Conv").length, ELIGIBLE.length);
    assert.equal(domain.filter((n) => n.op === "ReorderInput").length, ELIGIBLE.length);
    assert.equal(domain.filter((n) => n.op === "ReorderOutput").length, ELIGIBLE.length);
    assert.ok(!rw.nodes.some((n) => !isDomainNode(n) && n.op === "Conv"));
    assert.deepEqual(rw.outputs, g.outputs);
    const feeds = feedsOf(g);
    const [want, got] = [await run(g, feeds), await run(rw, feeds)];
    // float32 sums of up to 288 products in another order: ~1e-7 relative
    for (const e of relErrors(g, got, want)) assert.ok(e < 1e-5, `relative error ${e}`);
  },
});

Deno.test("blockFilter() puts W[o,i,y,x] at MLAS's [o/B, i/B, y, x, i%B, o%B], exactly", async () => {
  for (const [o, c, kh, kw, bl] of [[32, 16, 3, 3, 16], [16, 32, 3, 2, 8], [16, 16, 1, 1, 16]]) {
    const shape = [o, c, kh, kw];
    const b = new GraphBuilder("block_filter");
    b.input("w", "float32", shape);
    let k = 0;
    const nodes = blockFilter(
      "w",
      "wb",
      shape,
      bl,
      (w) => `${w}${k++}`,
      (n, v) => b.int64s(n, v).name,
    );
    const built = b.build();
    const g: Graph = {
      ...built,
      outputs: [{ name: "wb", dtype: "float32", shape }],
      nodes: [...built.nodes, ...nodes],
    };
    assert.equal(nodes.filter((n) => n.op === "Transpose").length, kh * kw > 1 ? 2 : 1);
    const w = Float32Array.from({ length: sizeOf(shape) }, (_, i) => i);
    const got = (await run(g, { w })).wb;
    const want = new Float32Array(w.length);
    for (let a = 0; a < o; a++) {
      for (let b = 0; b < c; b++) {
        for (let y = 0; y < kh; y++) {
          for (let x = 0; x < kw; x++) {
            const at = ((((Math.floor(a / bl) * (c / bl) + Math.floor(b / bl)) * kh + y) * kw + x) *
                    bl + b % bl) * bl + a % bl;
            want[at] = w[((a * c + b) * kh + y) * kw + x];
          }
        }
      }
    }
    assert.deepEqual(got, want, `[${shape}] in blocks of ${bl}`);
  }
});

Deno.test({
  name:
    "nchwcConvs() with the other block width gives wrong numbers (what nchwcBlockSize() probes)",
  ignore: block === 0,
  fn: async () => {
    // channels in whole blocks of both widths, so that both rewrite the Conv
    const g = convs([{ x: [2, 16, 9, 7], w: [32, 16, 3, 3], attrs: { pads: [1, 1, 1, 1] } }]);
    const wrong = nchwcConvs(g, other);
    assert.equal(wrong.nodes.filter((n) => isDomainNode(n) && n.op === "Conv").length, 1);
    const feeds = feedsOf(g);
    const [want, got] = [await run(g, feeds), await run(wrong, feeds)];
    assert.ok(relErrors(g, got, want)[0] > 0.1);
  },
});

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * `detectNchwcBlock()` with ONNX Runtime's session factory wrapped, as on a machine whose kernels
 * behave otherwise: `model(bytes)` may swap a rewritten probe's serialised model for another (or
 * throw, as where the domain's kernels are missing), and `output(y)` may change each rewritten
 * probe's output. Returns the width found and the models asked for (the plain probe first).
 */
async function detectAs(
  model: (bytes: Uint8Array) => Uint8Array,
  output: (y: Float32Array) => void = () => {},
): Promise<{ block: number; opened: Uint8Array[] }> {
  const factory = ort.InferenceSession as unknown as { create: typeof ort.InferenceSession.create };
  const create = factory.create;
  const opened: Uint8Array[] = [];
  factory.create = (async (bytes: Uint8Array, opts: ort.InferenceSession.SessionOptions) => {
    opened.push(bytes);
    if (opened.length === 1) return await create(bytes, opts);
    const s = await create(model(bytes), opts);
    return {
      run: async (feeds: ort.InferenceSession.FeedsType) => {
        const out = await s.run(feeds);
        output(out.y.data as Float32Array);
        return out;
      },
      release: () => s.release(),
    };
  }) as typeof create;
  try {
    return { block: await detectNchwcBlock(), opened };
  } finally {
    factory.create = create;
  }
}

const found = async (...args: Parameters<typeof detectAs>) => (await detectAs(...args)).block;

Deno.test({
  name:
    "detectNchwcBlock() rejects a block width whose Conv gives wrong numbers and tries the next",
  ignore: block === 0,
  fn: async () => {
    assert.equal(await found((m) => m), block);
    // with every rewritten output wrong, it tries the plain probe and both widths, and finds none
    const { block: none, opened } = await detectAs((m) => m, (y) => void (y[137] += 0.1));
    assert.equal(none, 0);
    assert.equal(opened.length, 3);
    const [, first, second] = opened;
    assert.ok(!sameBytes(first, second));
    // with the two widths' kernels swapped, the width that computes correctly is the one found,
    // whichever is tried first
    assert.equal(
      await found((m) => sameBytes(m, first) ? second : sameBytes(m, second) ? first : m),
      other,
    );
    // no NCHWc kernels: 0, and training keeps plain Convs
    assert.equal(
      await found(() => {
        throw new Error("no kernel for com.microsoft.nchwc");
      }),
      0,
    );
  },
});

Deno.test({
  name: "detectNchwcBlock() accepts float32 rounding but not one output off by 0.1",
  ignore: block === 0,
  fn: async () => {
    // reordered float32 sums of 144 terms of size ~1 differ by ~1e-5; every output 1e-4 off passes
    assert.equal(await found((m) => m, (y) => y.forEach((v, i) => y[i] = v + 1e-4)), block);
    // one output of 480 off by 0.1 (about 1 % of a typical one) fails at every width
    assert.equal(await found((m) => m, (y) => void (y[137] += 0.1)), 0);
  },
});

Deno.test("nchwcConvs() keeps Convs it cannot compute: few or unblocked channels, groups, float64", () => {
  for (const c of KEPT) {
    const g = convs([c]);
    assert.equal(nchwcConvs(g, 16), g, JSON.stringify(c));
    assert.equal(nchwcConvs(g, 8), g, JSON.stringify(c));
  }
  assert.throws(() => nchwcConvs(convs(KEPT), 1), /Expected an NCHWc block width of at least 2/);
});

Deno.test("nchwcConvs() reorders an input that several Convs read once, and refuses to reuse a name", () => {
  const b = new GraphBuilder("shared");
  const x = b.input("x", "float32", [2, 16, 8, 8]);
  for (const k of [3, 1]) {
    const w = b.input(`w${k}`, "float32", [16, 16, k, k]);
    b.output(b.emit("Conv", [x, w], { strides: [2, 2], pads: Array(4).fill(k >> 1) }, {
      name: `y${k}`,
    }));
  }
  const g = b.build();
  const rw = nchwcConvs(g, 16);
  assert.deepEqual(
    rw.nodes.filter((n) => isDomainNode(n) && n.op === "ReorderInput").map((n) => n.inputs),
    [["x"]],
  );
  const clash = { ...g, inputs: [...g.inputs, { ...g.inputs[0], name: "y3/nchwc_w" }] };
  assert.throws(() => nchwcConvs(clash, 16), /Expected "y3\/nchwc_w" to be a new name/);
});

Deno.test({
  name: "nchwcConvs() reorders a weight that several Convs read once, with the plain result",
  ignore: block === 0,
  fn: async () => {
    const b = new GraphBuilder("shared_w");
    const w = b.input("w", "float32", [2 * B, B, 3, 3]);
    for (const [i, strides] of [[1, 1], [2, 2]].entries()) {
      const x = b.input(`x${i}`, "float32", [2, B, 8, 6]);
      b.output(b.emit("Conv", [x, w], { strides, pads: [1, 1, 1, 1] }, { name: `y${i}` }));
    }
    const g = b.build();
    const rw = nchwcConvs(g, block);
    // one filter chain: a 3×3 kernel takes two Transposes (blockFilter)
    const transposes = rw.nodes.filter((n) => !isDomainNode(n) && n.op === "Transpose");
    assert.equal(transposes.length, 2);
    const convNodes = rw.nodes.filter((n) => isDomainNode(n) && n.op === "Conv");
    assert.deepEqual(convNodes.map((n) => n.inputs[1]), ["y0/nchwc_w", "y0/nchwc_w"]);
    const feeds = feedsOf(g);
    const [want, got] = [await run(g, feeds), await run(rw, feeds)];
    for (const e of relErrors(g, got, want)) assert.ok(e < 1e-5, `relative error ${e}`);
  },
});

Deno.test("serializeModel() stamps the NCHWc domain's version once, only when the graph uses it", () => {
  const g = convs([ELIGIBLE[0]]);
  const imports = (m: Uint8Array) =>
    onnx.ModelProto.decode(m).opsetImport.map((o) => [o.domain, Number(o.version)]);
  assert.deepEqual(imports(serializeModel(g)), [["", 17]]);
  const rw = nchwcConvs(g, 16);
  assert.deepEqual(imports(serializeModel(rw)), [["", 17], [NCHWC_DOMAIN, 1]]);
  const conv = onnx.ModelProto.decode(serializeModel(rw)).graph!.node!.find((n) =>
    n.opType === "Conv"
  )!;
  assert.equal(conv.domain, NCHWC_DOMAIN);
  const skewed = {
    ...rw,
    nodes: rw.nodes.map((n) =>
      isDomainNode(n) && n.op === "ReorderOutput" ? { ...n, version: 2 } : n
    ),
  };
  assert.throws(
    () => serializeModel(skewed),
    /Expected one version of domain "com.microsoft.nchwc"/,
  );
});

Deno.test({
  name:
    "Session.create() runs a ResNet-18 step with NCHWc Convs on the CPU: the NCHW step's numbers, bit-reproducible",
  ignore: block === 0,
  fn: async () => {
    const step = tinyResnetStep("resnet18_tiny", 2);
    const graph = step.graph;
    // width 1/16 (4, 8, 16, 32 channels): with blocks of 16 stages 3 and 4 qualify, with blocks
    // of 8 stage 2 as well; the stem (3 input channels) never does
    const rw = graphForProvider(graph, "cpu", { nchwcBlock: block });
    const rewritten = rw.nodes.filter((n) => isDomainNode(n) && n.op === "Conv").length;
    assert.ok(rewritten >= 8, `${rewritten} NCHWc Convs`);
    assert.equal(graphForProvider(graph, "cpu"), graph);
    const feeds = tinyResnetFeeds(step, rng);
    const outs = [];
    for (const nchwc of [false, true, true]) {
      const s = await Session.create(graph, { threads: 2, spin: false, nchwc });
      try {
        const opened = s.opened.nodes.filter((n) => isDomainNode(n) && n.op === "Conv").length;
        assert.equal(opened, nchwc ? rewritten : 0);
        outs.push(await s.run(feeds));
      } finally {
        await s.release();
      }
    }
    for (const v of graph.outputs) {
      assert.deepEqual(outs[2][v.name], outs[1][v.name], `${v.name} reproducible`);
    }
    // a float32 ResNet's gradients move with the order of its sums (and a ReLU whose input
    // crosses 0 moves them by a whole term); at this size they agree to ~1e-6
    for (const [i, e] of relErrors(graph, outs[1], outs[0]).entries()) {
      assert.ok(e < 1e-4, `${graph.outputs[i].name}: relative error ${e}`);
    }
  },
});

Deno.test({
  name: "Session.create() reports a failed NCHWc rewrite as a ProviderError naming the graph",
  ignore: block === 0,
  fn: async () => {
    const g = convs([{ x: [1, 16, 4, 4], w: [16, 16, 3, 3], attrs: { pads: [1, 1, 1, 1] } }]);
    // an input with the name the rewrite would give its reordered input
    const clash = { ...g, inputs: [...g.inputs, { ...g.inputs[0], name: "y0/nchwc_x" }] };
    await assert.rejects(Session.create(clash), (e: Error) => {
      assert.equal(e.name, "ProviderError");
      assert.match(e.message, /Expected graph "convs" to be prepared for "cpu"/);
      assert.match(String((e.cause as Error).message), /"y0\/nchwc_x" to be a new name/);
      return true;
    });
    // and with the rewrite turned off, the same graph opens
    await (await Session.create(clash, { nchwc: false })).release();
  },
});
