/** Float64 reference evaluator for IR graphs (direct loops; for tests and finite differences). */
import type { Graph, TensorData } from "../ir.ts";
import { evalNode } from "./kernels.ts";
import { type RefTensor, roundTo } from "./tensor.ts";

/** Converts typed-array data of any IR dtype to float64 numbers. */
export function toFloat64(data: TensorData): Float64Array {
  if (data instanceof BigInt64Array) return Float64Array.from(data, (v) => Number(v));
  return Float64Array.from(data as ArrayLike<number>);
}

/**
 * Evaluates every node of `graph` in float64 (float32 values are rounded after each op) and
 * returns the graph outputs by name. Extra names in `also` are returned as well (intermediates).
 */
export function evalGraph(
  graph: Graph,
  feeds: Readonly<Record<string, TensorData | Float64Array>>,
  also: readonly string[] = [],
): Record<string, RefTensor> {
  const env = new Map<string, RefTensor>();
  for (const init of graph.initializers) {
    env.set(init.name, { dtype: init.dtype, shape: init.shape, data: toFloat64(init.data) });
  }
  for (const v of graph.inputs) {
    const d = feeds[v.name];
    if (d === undefined) throw new RangeError(`Expected a feed for input "${v.name}"`);
    if (d.length !== v.shape.reduce((p, n) => p * n, 1)) {
      throw new RangeError(`Expected ${v.shape} elements for "${v.name}" but found ${d.length}`);
    }
    env.set(v.name, { dtype: v.dtype, shape: v.shape, data: roundTo(v.dtype, toFloat64(d)) });
  }
  for (const node of graph.nodes) {
    const xs = node.inputs.map((name) => {
      const t = env.get(name);
      if (t === undefined) {
        throw new RangeError(`Expected tensor "${name}" before node "${node.name}"`);
      }
      return t;
    });
    env.set(node.outputs[0], evalNode(node.op, xs, node.attrs));
  }
  const out: Record<string, RefTensor> = {};
  for (const name of [...graph.outputs.map((o) => o.name), ...also]) {
    const t = env.get(name);
    if (t === undefined) throw new RangeError(`Expected tensor "${name}" in the graph`);
    out[name] = t;
  }
  return out;
}
