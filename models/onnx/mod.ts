/**
 * Typed ONNX IR, pinned opset, serialisation through onnx-proto, a float64 reference
 * evaluator and an onnxruntime-node runner.
 *
 * @example
 * ```ts
 * import { runGraph, type Graph } from "./mod.ts";
 * const graph: Graph = {
 *   name: "neg",
 *   inputs: [{ name: "x", dtype: "float64", shape: [2] }],
 *   outputs: [{ name: "y", dtype: "float64", shape: [2] }],
 *   initializers: [],
 *   nodes: [{ name: "neg", op: "Neg", inputs: ["x"], outputs: ["y"], attrs: {} }],
 * };
 * const out = await runGraph(graph, { x: new Float64Array([1, -2]) });
 * console.log(out.y.data); // Float64Array [-1, 2]
 * ```
 *
 * @module
 */
export * from "./ir.ts";
export * from "./ops.ts";
export { broadcastShapes, checkArity, inferOutputs, normAxis, reduceMeanAxes } from "./shape.ts";
export {
  convOutLength,
  convTransposeOutLength,
  padShape,
  type SliceAxis,
  sliceRanges,
  type Spatial,
  spatialOf,
} from "./shape_conv.ts";
export { PRODUCER, rawBytes, serializeModel } from "./serialize.ts";
export { OnnxSession, runGraph, type RunOutput } from "./run.ts";
export { evalGraph, toFloat64 } from "./reference/eval.ts";
export type { RefTensor } from "./reference/tensor.ts";
