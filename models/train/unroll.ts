/**
 * k training steps chained in one graph, so that one session run makes k updates and the
 * parameters cross between ONNX Runtime and JavaScript once per k steps instead of once per step.
 * The copies compute exactly what k runs of the step graph compute (the trainer's tests check that
 * the results are bit-identical).
 */
import type { TrainStep } from "../autodiff/sgd.ts";
import type { Graph, Node, ValueInfo } from "../onnx/ir.ts";

/**
 * Steps per session run (`train`'s `stepsPerCall`) of the pipeline's FCN, two-layer and linear
 * runs and of the bench's FCN rows. ResNet-18's steps, of 0.1-3 s, run one at a time.
 */
export const STEPS_PER_CALL = 8;

/** Name in an unrolled graph of the per-step tensor `name` (a batch, a rate, a loss) of step `s`. */
export function stepTensor(s: number, name: string): string {
  return `step${s}/${name}`;
}

/**
 * The step graph repeated `k` times: copy s reads the parameters, optimizer state and buffers
 * that copy s − 1 wrote, and its own batch, rates and outputs named `step<s>/<name>`. The carried
 * tensors keep their names as inputs of the first copy and as `<name>_next` outputs of the last;
 * constants are shared.
 */
export function unrollStep(step: TrainStep, k: number): Graph {
  if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(`Expected a whole number of steps of at least 1 but found ${k}`);
  }
  const g = step.graph;
  const carried = new Set([...step.params, ...step.state, ...step.buffers].map((v) => v.name));
  const constants = new Set(g.initializers.map((i) => i.name));
  // the output `<name>_next` of a carried tensor, which only the last copy exposes
  const isNext = (t: string) => t.endsWith("_next") && carried.has(t.slice(0, -"_next".length));
  const nodes: Node[] = [];
  const inputs: ValueInfo[] = [];
  const outputs: ValueInfo[] = [];
  for (let s = 0; s < k; s++) {
    const rename = (t: string) => {
      if (t === "" || constants.has(t)) return t;
      if (carried.has(t)) return s === 0 ? t : stepTensor(s - 1, `${t}_next`);
      if (isNext(t) && s === k - 1) return t;
      return stepTensor(s, t);
    };
    for (const n of g.nodes) {
      nodes.push({
        ...n,
        name: stepTensor(s, n.name),
        inputs: n.inputs.map(rename),
        outputs: n.outputs.map(rename),
      });
    }
    for (const v of g.inputs) {
      if (s === 0 || !carried.has(v.name)) inputs.push({ ...v, name: rename(v.name) });
    }
    for (const v of g.outputs) {
      if (!isNext(v.name) || s === k - 1) outputs.push({ ...v, name: rename(v.name) });
    }
  }
  return { ...g, name: `${g.name}_x${k}`, nodes, inputs, outputs };
}
