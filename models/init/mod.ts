/**
 * Seeded initialisation of dense chains (standard N(0,1), Kaiming fan-in normal, Xavier
 * normal, each × σ per layer) and the six named two-layer parametrisations of SPEC 5.1.
 *
 * @example
 * ```ts
 * import { twoLayerReluLayers } from "../arch/mod.ts";
 * import { initDense, twoLayerSetup } from "./mod.ts";
 * const setup = twoLayerSetup("kaimingPlus", "corrected", 10000, 10);
 * const layers = twoLayerReluLayers({ width: 10000, gamma: setup.gamma, inputScale: setup.inputScale }, 10);
 * const params = initDense(layers, { rule: setup.init, seed: 0, dtype: "float32" });
 * console.log(setup.gamma, setup.lr, params["fc1.weight"].length); // 0.01 5 100000
 * ```
 *
 * @module
 */
export { initDense, type InitOptions, type InitRule, initStd } from "./init.ts";
export {
  type TableOptions,
  type TableVariant,
  TWO_LAYER_NAMES,
  type TwoLayerName,
  type TwoLayerSetup,
  twoLayerSetup,
} from "./two_layer_table.ts";
