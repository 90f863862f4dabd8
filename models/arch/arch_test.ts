import assert from "node:assert/strict";
import { checkGradients, GraphBuilder, seeded } from "../autodiff/mod.ts";
import { evalGraph } from "../onnx/mod.ts";
import { denseChain } from "./dense.ts";
import { mlp, mlpLayers } from "./mlp.ts";
import { twoLayerLinear, twoLayerRelu } from "./two_layer.ts";

const awayFromZero = (v: Float64Array) => v.map((x) => Math.sign(x || 1) * (0.2 + Math.abs(x)));

Deno.test("twoLayerLinear() computes γ(u·w)x and its whole-model gradient checks", async () => {
  const feeds = { x: seeded(3, 1), "fc1.weight": seeded(4, 2), "fc2.weight": seeded(4, 3) };
  const b = new GraphBuilder("lin");
  b.output(twoLayerLinear(b, b.input("x", "float64", [3, 1]), { width: 4, gamma: 0.5 }), "output");
  const out = evalGraph(b.build(), feeds).output.data;
  const uw = feeds["fc1.weight"].reduce((s, w, i) => s + w * feeds["fc2.weight"][i], 0);
  feeds.x.forEach((x, n) => assert.ok(Math.abs(out[n] - 0.5 * uw * x) < 1e-14));
  const err = await checkGradients(
    { x: [3, 1] },
    (b, [x]) => twoLayerLinear(b, x, { width: 4, gamma: 0.5 }),
    feeds,
  );
  console.log(`twoLayerLinear: ort ${err.ort.toExponential(2)} ref ${err.ref.toExponential(2)}`);
  assert.ok(err.ort <= 1e-6 && err.ref <= 1e-6);
});

Deno.test("twoLayerRelu() with input multiplier 1/√D passes a whole-model gradient check", async () => {
  const spec = { width: 5, gamma: 0.3, inputScale: 1 / Math.sqrt(3) };
  const feeds = {
    x: seeded(4 * 3, 4),
    "fc1.weight": seeded(5 * 3, 5),
    "fc2.weight": seeded(5, 6),
  };
  const err = await checkGradients({ x: [4, 3] }, (b, [x]) => twoLayerRelu(b, x, spec), feeds);
  console.log(`twoLayerRelu: ort ${err.ort.toExponential(2)} ref ${err.ref.toExponential(2)}`);
  assert.ok(err.ort <= 1e-6 && err.ref <= 1e-6);
});

Deno.test("mlp() names parameters per layer and passes a whole-model gradient check", async () => {
  const spec = { sizes: [3, 4, 4, 2], bias: true };
  const b = new GraphBuilder("names");
  mlp(b, b.input("x", "float64", [2, 3]), spec);
  assert.deepEqual(b.params, [
    "fc1.weight",
    "fc1.bias",
    "fc2.weight",
    "fc2.bias",
    "fc3.weight",
    "fc3.bias",
  ]);
  const feeds: Record<string, Float64Array> = { x: seeded(6, 7) };
  for (const [k, [fanIn, fanOut]] of [[3, 4], [4, 4], [4, 2]].entries()) {
    feeds[`fc${k + 1}.weight`] = awayFromZero(seeded(fanIn * fanOut, 10 + k));
    feeds[`fc${k + 1}.bias`] = seeded(fanOut, 20 + k);
  }
  const err = await checkGradients({ x: [2, 3] }, (b, [x]) => mlp(b, x, spec), feeds);
  console.log(`mlp 3-4-4-2: ort ${err.ort.toExponential(2)} ref ${err.ref.toExponential(2)}`);
  assert.ok(err.ort <= 1e-6 && err.ref <= 1e-6);
});

Deno.test("mlp() flattens image-shaped inputs", () => {
  const b = new GraphBuilder("flat");
  const y = mlp(b, b.input("x", "float32", [2, 1, 2, 2]), { sizes: [4, 3], bias: false });
  assert.deepEqual(y.shape, [2, 3]);
  assert.deepEqual(b.params, ["fc1.weight"]);
});

Deno.test("mlpLayers() needs an input and an output size", () => {
  assert.deepEqual(mlpLayers({ sizes: [3, 2], bias: false }).map((l) => [l.fanIn, l.fanOut]), [[
    3,
    2,
  ]]);
  assert.throws(
    () => mlpLayers({ sizes: [3], bias: false }),
    /Expected at least 2 sizes but found 1/,
  );
});

Deno.test("denseChain() names the layer whose fan-in does not match its input", () => {
  const b = new GraphBuilder("chain");
  const layers = mlpLayers({ sizes: [3, 4, 2], bias: false });
  const bad = [layers[0], { ...layers[1], fanIn: 5 }];
  assert.throws(
    () => denseChain(b, b.input("x", "float64", [2, 3]), bad),
    /Expected input \[B,5\] for "fc2" but found \[2,4\]/,
  );
});
