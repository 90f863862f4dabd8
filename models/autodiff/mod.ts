/**
 * Graph builder and reverse-mode autodiff emitting standard ONNX ops, losses, and SGD
 * training-step graphs that run in onnxruntime-node.
 *
 * @example
 * ```ts
 * import { OnnxSession } from "../onnx/mod.ts";
 * import { trainStep } from "./mod.ts";
 * const step = trainStep({
 *   name: "linreg", dtype: "float64", batch: 2, inputShape: [1],
 *   forward: (b, x) => b.emit("MatMul", [x, b.param("fc1.weight", "float64", [1, 1])]),
 *   loss: { kind: "mse" },
 * });
 * const session = await OnnxSession.create(step.graph);
 * const out = await session.run({
 *   x: new Float64Array([1, 2]), y: new Float64Array([2, 4]),
 *   lr: new Float64Array([0.1]), "fc1.weight": new Float64Array([0]),
 * });
 * console.log(out["fc1.weight_next"].data); // Float64Array [0.5]
 * ```
 *
 * @module
 */
export {
  castCode,
  type EmitOptions,
  type GradientRegion,
  GraphBuilder,
  type Tensor,
} from "./builder.ts";
export { type BackwardOptions, emitBackward } from "./backward.ts";
export {
  type Emitter,
  type GradContext,
  GradientError,
  type GradRegistry,
  type GradResult,
  type GradRule,
  NO_GRAD,
  type NoGrad,
  type PartialGradRegistry,
  type RegionGrad,
  type RegionGradContext,
} from "./grad_rule.ts";
export { GRADS } from "./grads/mod.ts";
export { unbroadcast } from "./unbroadcast.ts";
export { batchAccuracy, mseLoss, oneHot, softmaxCrossEntropy } from "./losses.ts";
export {
  checkGradients,
  type GradCheck,
  type GradCheckOptions,
  relErr,
  seeded,
} from "./gradcheck.ts";
export {
  assignLearningRates,
  distinctSorted,
  type LossSpec,
  type SgdSpec,
  type TrainStep,
  trainStep,
  type TrainStepSpec,
} from "./sgd.ts";
