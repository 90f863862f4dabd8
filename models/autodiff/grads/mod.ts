/**
 * The gradient registry: exactly one entry per `OpType`.
 *
 * @example
 * ```ts
 * import { GRADS } from "./mod.ts";
 * console.log(GRADS.MatMul.op); // "MatMul"
 * ```
 *
 * @module
 */
import { type GradRegistry, NO_GRAD } from "../grad_rule.ts";
import { addGrad } from "./add.ts";
import { castGrad } from "./cast.ts";
import { divGrad } from "./div.ts";
import { expGrad } from "./exp.ts";
import { expandGrad } from "./expand.ts";
import { flattenGrad } from "./flatten.ts";
import { gemmGrad } from "./gemm.ts";
import { identityGrad } from "./identity.ts";
import { logSoftmaxGrad } from "./log_softmax.ts";
import { matMulGrad } from "./mat_mul.ts";
import { mulGrad } from "./mul.ts";
import { negGrad } from "./neg.ts";
import { reduceMeanGrad } from "./reduce_mean.ts";
import { reduceSumGrad } from "./reduce_sum.ts";
import { reluGrad } from "./relu.ts";
import { hardSigmoidGrad } from "./hard_sigmoid.ts";
import { reshapeGrad } from "./reshape.ts";
import { subGrad } from "./sub.ts";
import { transposeGrad } from "./transpose.ts";
import { sqrtGrad } from "./sqrt.ts";
import { sliceGrad } from "./slice.ts";
import { padGrad } from "./pad.ts";
import { gatherGrad } from "./gather.ts";
import { convGrad } from "./conv.ts";
import { convTransposeGrad } from "./conv_transpose.ts";
import { batchNormalizationGrad } from "./batch_normalization.ts";
import { averagePoolGrad } from "./average_pool.ts";
import { globalAveragePoolGrad } from "./global_average_pool.ts";

/** One literal, so a missing op or a rule registered under the wrong op fails to compile. */
export const GRADS = {
  MatMul: matMulGrad,
  Gemm: gemmGrad,
  Add: addGrad,
  Sub: subGrad,
  Mul: mulGrad,
  Div: divGrad,
  Neg: negGrad,
  Relu: reluGrad,
  HardSigmoid: hardSigmoidGrad,
  Identity: identityGrad,
  Exp: expGrad,
  Reshape: reshapeGrad,
  Flatten: flattenGrad,
  Transpose: transposeGrad,
  Expand: expandGrad,
  ReduceSum: reduceSumGrad,
  ReduceMean: reduceMeanGrad,
  LogSoftmax: logSoftmaxGrad,
  Cast: castGrad,
  Greater: NO_GRAD,
  Equal: NO_GRAD,
  ArgMax: NO_GRAD,
  Sqrt: sqrtGrad,
  Slice: sliceGrad,
  Pad: padGrad,
  Gather: gatherGrad,
  Conv: convGrad,
  ConvTranspose: convTransposeGrad,
  BatchNormalization: batchNormalizationGrad,
  AveragePool: averagePoolGrad,
  GlobalAveragePool: globalAveragePoolGrad,
} as const satisfies GradRegistry;
