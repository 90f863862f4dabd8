import assert from "node:assert/strict";
import { checkGradients, GraphBuilder, relErr, trainStep } from "../autodiff/mod.ts";
import { evalGraph, OnnxSession, runGraph, toFloat64 } from "../onnx/mod.ts";
import { pytorchDefaultInit } from "./init.ts";
import { resnet18, resnet18Widths } from "./resnet18.ts";

function declared(width: number, training: boolean) {
  const b = new GraphBuilder("names");
  const y = resnet18(b, b.input("x", "float32", [2, 3, 32, 32]), { training, width });
  return { b, y };
}

Deno.test("resnet18() names parameters and buffers like kuangliu's state_dict", () => {
  const { b, y } = declared(1, true);
  assert.deepEqual(y.shape, [2, 10]);
  assert.equal(b.params.length, 62);
  assert.equal(b.buffers.length, 40);
  assert.deepEqual(b.params.slice(0, 5), [
    "conv1.weight",
    "bn1.weight",
    "bn1.bias",
    "layer1.0.conv1.weight",
    "layer1.0.bn1.weight",
  ]);
  assert.ok(b.params.includes("layer2.0.shortcut.0.weight"));
  assert.ok(b.buffers.includes("layer4.0.shortcut.1.running_var"));
  assert.deepEqual(b.params.slice(-2), ["linear.weight", "linear.bias"]);
  assert.deepEqual(b.buffers.slice(0, 2), ["bn1.running_mean", "bn1.running_var"]);
  const count = b.params.reduce((s, p) => s + b.get(p).shape.reduce((a, d) => a * d, 1), 0);
  assert.equal(count, 11_173_962);
  assert.deepEqual(resnet18Widths(1 / 128), [1, 1, 2, 4]);
});

Deno.test("resnet18() eval graph uses running statistics and updates no buffer", () => {
  const { b } = declared(0.25, false);
  assert.equal(b.buffers.length, 40);
  assert.ok(b.buffers.every((n) => b.bufferUpdate(n) === undefined));
  assert.equal(b.nodes.filter((n) => n.op === "BatchNormalization").length, 20);
});

const TINY = { width: 1 / 32, batch: 2, size: 16 };

function tinyFeeds(dtype: "float64") {
  const b = new GraphBuilder("tiny");
  resnet18(b, b.input("x", dtype, [TINY.batch, 3, TINY.size, TINY.size]), {
    training: true,
    width: TINY.width,
  });
  const values = [...b.params, ...b.buffers].map((n) => b.get(n));
  const init = pytorchDefaultInit(values, { seed: 7 }) as Record<string, Float64Array>;
  // Non-trivial BN affine parameters and running statistics exercise every gradient path.
  for (const n of b.params.filter((p) => /bn|shortcut\.1/.test(p))) {
    init[n] = init[n].map((v, i) => v + 0.3 * Math.sin(i + n.length));
  }
  const x = Float64Array.from(
    { length: TINY.batch * 3 * TINY.size ** 2 },
    (_, i) => Math.sin(i * 0.37),
  );
  return { x, ...init };
}

Deno.test("resnet18() tiny training graph passes a whole-model gradient check", async () => {
  const feeds = tinyFeeds("float64");
  const err = await checkGradients(
    { x: [TINY.batch, 3, TINY.size, TINY.size] },
    (b, [x]) => resnet18(b, x, { training: true, width: TINY.width }),
    feeds,
    { ortDtype: "float32", sample: 3, h: 1e-6 },
  );
  console.log(
    `resnet18 tiny: ref ${err.ref.toExponential(2)} ort(float32) ${err.ort.toExponential(2)} ` +
      `forward ${err.ortForward.toExponential(2)}`,
  );
  assert.ok(err.ref <= 1e-6, `reference ${err.ref}`);
  assert.ok(err.ort <= 1e-3 && err.ortForward <= 1e-4, JSON.stringify(err));
});

Deno.test("trainStep() on a tiny resnet18 threads BN buffers and matches the float64 reference", async () => {
  const step = (dtype: "float32" | "float64") =>
    trainStep({
      name: "resnet18_tiny",
      dtype,
      batch: TINY.batch,
      inputShape: [3, TINY.size, TINY.size],
      forward: (b, x) => resnet18(b, x, { training: true, width: TINY.width }),
      loss: { kind: "softmax_ce", labels: "index" },
      sgd: { momentum: 0.9, weightDecay: 5e-4 },
    });
  const [s32, s64] = [step("float32"), step("float64")];
  assert.equal(s32.buffers.length, 40);
  assert.ok(s32.graph.outputs.some((o) => o.name === "layer3.1.bn2.running_var_next"));
  const feeds: Record<string, Float64Array | BigInt64Array> = {
    ...tinyFeeds("float64"),
    y: BigInt64Array.from([3n, 7n]),
    lr: Float64Array.from([0.1]),
  };
  for (const s of s64.state) feeds[s.name] = new Float64Array(s.shape.reduce((a, d) => a * d, 1));
  const ref = evalGraph(s64.graph, feeds);
  const f32 = Object.fromEntries(
    Object.entries(feeds).map((
      [k, v],
    ) => [k, v instanceof Float64Array ? Float32Array.from(v) : v]),
  );
  const session = await OnnxSession.create(s32.graph);
  const out = await session.run(f32);
  await session.release();
  let worst = 0;
  for (const o of s64.graph.outputs) {
    worst = Math.max(worst, relErr(toFloat64(out[o.name].data), ref[o.name].data));
  }
  console.log(`resnet18 tiny step, ORT float32 vs reference float64: ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-4, `${worst}`);
});

Deno.test("resnet18() tiny eval graph in onnxruntime float32 matches the float64 reference", async () => {
  const build = (dtype: "float32" | "float64") => {
    const b = new GraphBuilder("eval");
    const x = b.input("x", dtype, [TINY.batch, 3, TINY.size, TINY.size]);
    b.output(resnet18(b, x, { training: false, width: TINY.width }), "logits");
    return b.build();
  };
  const feeds = tinyFeeds("float64");
  for (const [k, v] of Object.entries(feeds)) {
    // Running variances must stay positive; shift them off 1 so the test sees them.
    if (k.endsWith("running_var")) feeds[k as "x"] = v.map((u, i) => u + 0.5 * Math.cos(i));
  }
  const ref = evalGraph(build("float64"), feeds).logits.data;
  const f32 = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, Float32Array.from(v)]));
  const out = (await runGraph(build("float32"), f32)).logits.data;
  const err = relErr(toFloat64(out), ref);
  console.log(`resnet18 tiny eval, ORT float32 vs reference float64: ${err.toExponential(2)}`);
  assert.ok(err < 1e-5, `${err}`);
});

Deno.test("resnet18Widths() rounds c·m to the nearest integer, at least 1, for positive m only", () => {
  // 64·0.3 = 19.2, 128·0.3 = 38.4, 256·0.3 = 76.8, 512·0.3 = 153.6
  assert.deepEqual(resnet18Widths(0.3), [19, 38, 77, 154]);
  // 64/256 = 0.25 rounds to 0, kept at 1
  assert.deepEqual(resnet18Widths(1 / 256), [1, 1, 1, 2]);
  for (const m of [0, -1, NaN]) {
    assert.throws(() => resnet18Widths(m), /Expected a positive width multiplier/);
  }
});

Deno.test("resnet18() adds a strided shortcut where a stage keeps its width", () => {
  // width 1/128: stages of 1, 1, 2, 4 channels, so layer2.0 changes only the stride
  const b = new GraphBuilder("narrow");
  const y = resnet18(b, b.input("x", "float32", [2, 3, 32, 32]), {
    training: false,
    width: 1 / 128,
  });
  assert.deepEqual(y.shape, [2, 10]);
  assert.ok(!b.params.includes("layer1.0.shortcut.0.weight"));
  assert.deepEqual(b.get("layer2.0.shortcut.0.weight").shape, [1, 1, 1, 1]);
});
