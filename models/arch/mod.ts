/**
 * Forward builders: the solvable two-layer linear network, the two-layer ReLU network of
 * Figure 1 and a plain MLP, all as dense chains; the learning-rate-weighted empirical NTK
 * Gram matrix of a dense chain; and kuangliu's CIFAR ResNet-18 (conv, BatchNorm with running
 * statistics as buffers, PyTorch default initialisation). Parameters are graph inputs named like
 * PyTorch's state_dict (`fc1.weight`, `layer1.0.bn1.running_mean`, …).
 *
 * @example
 * ```ts
 * import { GraphBuilder } from "../autodiff/mod.ts";
 * import { mlp } from "./mod.ts";
 * const b = new GraphBuilder("mlp");
 * const x = b.input("x", "float32", [8, 784]);
 * b.output(mlp(b, x, { sizes: [784, 512, 10], bias: true }), "logits");
 * console.log(b.params); // ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
 * ```
 *
 * @module
 */
export { batchNorm2d, type BatchNormSpec } from "./batch_norm.ts";
export { conv2d, type Conv2dSpec, linear } from "./conv.ts";
export { type InitSpec, pytorchDefaultInit } from "./init.ts";
export { resnet18, type ResNet18Spec, resnet18Widths } from "./resnet18.ts";
export { denseChain, type DenseLayer, type DenseTrace } from "./dense.ts";
export { mlp, mlpLayers, type MlpSpec } from "./mlp.ts";
export { type LrGroups, ntkGram } from "./ntk.ts";
export {
  twoLayerLinear,
  twoLayerLinearLayers,
  type TwoLayerLinearSpec,
  twoLayerRelu,
  twoLayerReluLayers,
  type TwoLayerReluSpec,
} from "./two_layer.ts";
