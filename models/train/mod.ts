/**
 * Training over onnxruntime-node: the loop (`train`) with learning-rate schedules, seeded data
 * order, divergence detection, atomic checkpoints and bit-identical resume; CPU, WebGPU and
 * CUDA providers; forward-only evaluation; and the NTK-based feature-learning measures.
 *
 * @example
 * ```ts
 * import { trainStep } from "../autodiff/mod.ts";
 * import { mlp, mlpLayers } from "../arch/mod.ts";
 * import { initDense } from "../init/mod.ts";
 * import { constantLr, train } from "./mod.ts";
 * const spec = { sizes: [4, 16, 3], bias: true };
 * const step = trainStep({
 *   name: "toy", dtype: "float32", batch: 8, inputShape: [4],
 *   forward: (b, x) => mlp(b, x, spec), loss: { kind: "softmax_ce", labels: "index" },
 * });
 * const x = Float32Array.from({ length: 64 }, (_, i) => (i % 5) - 2);
 * const y = Uint8Array.from({ length: 16 }, (_, i) => i % 3);
 * const result = await train({
 *   step, params: initDense(mlpLayers(spec), { rule: "kaiming", seed: 0, dtype: "float32" }),
 *   data: { count: 16, x, y, batches: () => [[0, 1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11, 12, 13, 14, 15]] },
 *   schedule: constantLr({ lr: 0.1 }), epochs: 5, threads: 1,
 * });
 * console.log(result.diverged, result.losses.length); // false 10
 * ```
 *
 * @module
 */
export { BatchFeeder, type DataSource, type Rows } from "./batch_feed.ts";
export {
  type Checkpoint,
  CHECKPOINT_FILE,
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from "./checkpoint.ts";
export {
  evalBatchSizes,
  type EvalResult,
  type EvalSpec,
  evalStep,
  evaluate,
  type EvaluateOptions,
} from "./evaluate.ts";
export {
  type FeatureMeasures,
  NtkProbe,
  ntkProbeGraph,
  type NtkProbeOptions,
} from "./ntk_probe.ts";
export { ParamStore } from "./param_store.ts";
export { STEPS_PER_CALL, stepTensor, unrollStep } from "./unroll.ts";
export {
  constantLr,
  cosineAnnealingLr,
  type CosineOptions,
  type LrSchedule,
  type Rates,
  type ScheduleTime,
} from "./schedule.ts";
export {
  checkCudaProvider,
  disposeValue,
  type ExecutionProvider,
  ortLibraryDir,
  ortSessionOptions,
  ProviderError,
  Session,
  type SessionOptions,
  type Value,
} from "./session.ts";
export { type LogInfo, train, type TrainOptions, type TrainResult } from "./trainer.ts";
