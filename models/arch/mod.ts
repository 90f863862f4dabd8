/**
 * Forward builders: the solvable two-layer linear network, the two-layer ReLU network of
 * Figure 1 and a plain MLP, all as dense chains; plus the learning-rate-weighted empirical NTK
 * Gram matrix of a dense chain. Parameters are graph inputs named `fc<k>.weight`, `fc<k>.bias`.
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
