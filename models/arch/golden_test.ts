import assert from "node:assert/strict";
import { GraphBuilder, trainStep } from "../autodiff/mod.ts";
import { type Graph, serializeModel } from "../onnx/mod.ts";
import { mlp } from "./mlp.ts";
import { ntkGram } from "./ntk.ts";
import { resnet18 } from "./resnet18.ts";
import { twoLayerLinear, twoLayerRelu, twoLayerReluLayers } from "./two_layer.ts";

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new Uint8Array(bytes));
  return Array.from(new Uint8Array(digest), (v) => v.toString(16).padStart(2, "0")).join("");
}

function ntkGraph(): Graph {
  const b = new GraphBuilder("ntk_relu");
  const layers = twoLayerReluLayers({ width: 8, gamma: 0.1, inputScale: 1 / Math.sqrt(10) }, 10);
  b.output(ntkGram(b, b.input("x", "float64", [5, 10]), layers, { lr_u: ["fc2.weight"] }));
  return b.build();
}

// Changing one of these hashes is a deliberate commit: it changes the emitted ONNX bytes.
const GOLDEN: Readonly<Record<string, () => Graph>> = {
  two_layer_linear: () =>
    trainStep({
      name: "two_layer_linear",
      dtype: "float64",
      batch: 16,
      inputShape: [1],
      forward: (b, x) => twoLayerLinear(b, x, { width: 8, gamma: 0.1 }),
      loss: { kind: "mse" },
      lrGroups: { lr_w: ["fc1.weight"], lr_u: ["fc2.weight"] },
    }).graph,
  two_layer_relu: () =>
    trainStep({
      name: "two_layer_relu",
      dtype: "float64",
      batch: 16,
      inputShape: [10],
      forward: (b, x) =>
        twoLayerRelu(b, x, { width: 8, gamma: 0.1, inputScale: 1 / Math.sqrt(10) }),
      loss: { kind: "mse" },
    }).graph,
  mlp_mnist: () =>
    trainStep({
      name: "mlp_mnist",
      dtype: "float32",
      batch: 128,
      inputShape: [784],
      forward: (b, x) => mlp(b, x, { sizes: [784, 512, 512, 512, 10], bias: true }),
      loss: { kind: "softmax_ce", labels: "index" },
      sgd: { momentum: 0.9, weightDecay: 5e-4 },
    }).graph,
  ntk_relu: ntkGraph,
  resnet18_cifar: () =>
    trainStep({
      name: "resnet18_cifar",
      dtype: "float32",
      batch: 128,
      inputShape: [3, 32, 32],
      forward: (b, x) => resnet18(b, x, { training: true }),
      loss: { kind: "softmax_ce", labels: "index" },
      sgd: { momentum: 0.9, weightDecay: 5e-4 },
    }).graph,
};

const EXPECTED: Readonly<Record<string, string>> = {
  two_layer_linear: "d7008ef6ed04b0887ec318a0dc7c4db7ed3e29ed6168ffe88f3a93800ef7ea3c",
  two_layer_relu: "5068401c7e541b583e958998ff9b5e6ec844c3d198970ef6edc90a25ce4ef609",
  mlp_mnist: "a5ff9e2e87ac95a387e7cf955ab87d07c2c974f127ea8f1ff67e39f81cc1b0a8",
  ntk_relu: "c2d66f2d5a0c7fa1daaa36c7452e74b8e3e3cb7a8b9cf0b1c529abc91e610b6d",
  resnet18_cifar: "69d94bbf515188b8908b87501f354cf22aa8141b41aedd150b41f24d84a29615",
};

Deno.test("serializeModel() bytes of each architecture match their golden SHA-256", async () => {
  for (const [name, build] of Object.entries(GOLDEN)) {
    const [a, b] = [await sha256(serializeModel(build())), await sha256(serializeModel(build()))];
    assert.equal(a, b, `${name} is not deterministic`);
    console.log(`${name}: ${a}`);
    assert.equal(a, EXPECTED[name], name);
  }
});
