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
  two_layer_linear: "a292112d6cc67365da984d5aa3ecbc6d1a1d46ce511512dd34c10506707e7929",
  two_layer_relu: "e2f5cbe7ab5f378ac4553b1a1cdafecaf8d48c018db9187ba2990bb073041406",
  mlp_mnist: "2f04b1586da95d5fc30573eb6e479f94ab541f7d9ed52d1b5cc10f0de93714b1",
  ntk_relu: "c2d66f2d5a0c7fa1daaa36c7452e74b8e3e3cb7a8b9cf0b1c529abc91e610b6d",
  resnet18_cifar: "26c122bc9970227e8eddfc394a6345b0ce2bb0b65b63ebb1a0be4f40eb6d5862",
};

Deno.test("serializeModel() bytes of each architecture match their golden SHA-256", async () => {
  for (const [name, build] of Object.entries(GOLDEN)) {
    const [a, b] = [await sha256(serializeModel(build())), await sha256(serializeModel(build()))];
    assert.equal(a, b, `${name} is not deterministic`);
    console.log(`${name}: ${a}`);
    assert.equal(a, EXPECTED[name], name);
  }
});
