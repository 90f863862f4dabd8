/**
 * Execution providers: their names, the error raised when one cannot be used, and the rewrites a
 * provider needs to compute a graph correctly or gains from. The graphs themselves are
 * provider-neutral and use standard ONNX ops only; `Session.create` applies `graphForProvider`
 * when it opens one.
 *
 * CPU: eligible Convs run on onnxruntime's NCHWc kernels (nchwc.ts), which its own optimizer
 * applies only to Convs with constant weights.
 *
 * WebGPU: onnxruntime-node 1.30's WebGPU provider miscomputes some grouped Convs. Measured against
 * the CPU provider (3×3 kernels, stride 1, pads 1, and one 1×1 case): 9 outputs per group over 4,
 * 6, 8 or 64 groups of one input channel (the 1×1 kernel too), or over 2 groups of two, came out
 * off by the size of the result itself; 9 per group over 3 or 5 groups, 1, 2, 3 or 4 per group over
 * 4 groups, and 2 per group over 2 groups of two were right. The cause is not known. The conv
 * weight gradient's one-hot im2col and its split-taps column shift are such Convs (one input
 * channel per group, the same one-hot kernel in every group), and a Conv of that kind equals a
 * plain Conv over the channels as separate images: X [N, g, H, W] → [N·g, 1, H, W], the Conv with
 * the shared kernel [m, 1, kh, kw], and [N·g, m, P, Q] → [N, g·m, P, Q], which WebGPU computes
 * right. The CPU keeps the grouped Conv: in-process A/Bs of a ResNet-18 step at batch 128 took 3 %
 * (full width) and 5 % (width 1/8) longer with the rewritten form.
 */
import {
  type Graph,
  type Initializer,
  int64Initializer,
  type Node,
  type ProviderGraph,
} from "../onnx/ir.ts";
import { nchwcConvs } from "./nchwc.ts";

/** Execution providers the trainer can select. */
export type ExecutionProvider = "cpu" | "webgpu" | "cuda";

/** Raised when an execution provider cannot be used on this machine, or for a graph. */
export class ProviderError extends Error {
  override name = "ProviderError";
}

/** What `graphForProvider` may use beyond the graph. */
export interface ProviderRewrites {
  /**
   * The CPU's NCHWc block width (`nchwcBlockSize()`); 0 or absent keeps every Conv in ONNX's
   * own layout.
   */
  readonly nchwcBlock?: number;
}

/**
 * `graph` as `ep` should run it. On the CPU, with a block width, eligible Convs run on
 * onnxruntime's NCHWc kernels (nchwc.ts). On webgpu, grouped Convs that share one constant kernel
 * are rewritten (see the module comment) and any other grouped Conv is refused.
 */
export function graphForProvider(graph: Graph, ep: "webgpu" | "cuda"): Graph;
export function graphForProvider(
  graph: Graph,
  ep: ExecutionProvider,
  rewrites?: ProviderRewrites,
): Graph | ProviderGraph;
export function graphForProvider(
  graph: Graph,
  ep: ExecutionProvider,
  rewrites: ProviderRewrites = {},
): Graph | ProviderGraph {
  if (ep === "cpu") {
    return (rewrites.nchwcBlock ?? 0) > 0 ? nchwcConvs(graph, rewrites.nchwcBlock!) : graph;
  }
  if (ep !== "webgpu") return graph;
  const out = ungroupSharedConvs(graph);
  const left = out.nodes.find((n) => n.op === "Conv" && (n.attrs.group ?? 1) !== 1);
  if (left) {
    throw new ProviderError(
      `Expected no grouped Conv in graph "${graph.name}" for the WebGPU provider, which ` +
        `miscomputes some, but found node "${left.name}" with group ${left.attrs.group}`,
    );
  }
  return out;
}

/** The shared per-group kernel of a grouped Conv with one input channel per group, if any. */
function sharedKernel(node: Node, inits: ReadonlyMap<string, Initializer>) {
  const group = node.attrs.group;
  const w = inits.get(node.inputs[1]);
  if (node.op !== "Conv" || typeof group !== "number" || group <= 1) return undefined;
  if (node.inputs.length !== 2 || !w || w.shape.length !== 4 || w.shape[1] !== 1) return undefined;
  if (w.shape[0] % group !== 0) return undefined;
  const per = w.data.length / group;
  for (let g = 1; g < group; g++) {
    for (let i = 0; i < per; i++) if (w.data[g * per + i] !== w.data[i]) return undefined;
  }
  return { w, group, perGroup: w.shape[0] / group, per };
}

/**
 * Replaces every grouped Conv whose groups read one channel each with one shared constant kernel
 * by Reshape → Conv → Reshape (see the module comment); other nodes are kept as they are. New
 * names are `<node>/ungrouped_<what>`; a clash with an existing name is an error.
 */
export function ungroupSharedConvs(graph: Graph): Graph {
  const inits = new Map(graph.initializers.map((t) => [t.name, t]));
  const taken = new Set([
    ...graph.inputs.map((v) => v.name),
    ...graph.initializers.map((t) => t.name),
    ...graph.nodes.flatMap((n) => [n.name, ...n.outputs]),
  ]);
  const nodes: Node[] = [];
  const added: Initializer[] = [];
  for (const node of graph.nodes) {
    const shared = sharedKernel(node, inits);
    if (!shared) {
      nodes.push(node);
      continue;
    }
    const { w, group, perGroup, per } = shared;
    const at = (what: string) => {
      const name = `${node.name}/ungrouped_${what}`;
      if (taken.has(name)) {
        throw new RangeError(
          `Expected "${name}" to be a new name in "${graph.name}" but it exists`,
        );
      }
      return name;
    };
    const [kernel, planesShape, outShape, planes, conv, reshaped] = [
      "kernel",
      "planes_shape",
      "out_shape",
      "planes",
      "conv",
      "out",
    ].map(at);
    added.push(
      {
        name: kernel,
        dtype: w.dtype,
        shape: [perGroup, ...w.shape.slice(1)],
        data: w.data.slice(0, per),
      },
      // 0 keeps the input's size on that axis, −1 takes the rest (ONNX Reshape, allowzero 0)
      int64Initializer(planesShape, [-1, 1, 0, 0]),
      int64Initializer(outShape, [-1, group * perGroup, 0, 0]),
    );
    const { group: _, ...attrs } = node.attrs;
    nodes.push(
      {
        name: planes,
        op: "Reshape",
        inputs: [node.inputs[0], planesShape],
        outputs: [planes],
        attrs: {},
      },
      { name: conv, op: "Conv", inputs: [planes, kernel], outputs: [conv], attrs, doc: node.doc },
      { name: reshaped, op: "Reshape", inputs: [conv, outShape], outputs: node.outputs, attrs: {} },
    );
  }
  if (added.length === 0) return graph;
  // the grouped kernels go unless something else still reads them
  const read = new Set([...nodes.flatMap((n) => n.inputs), ...graph.outputs.map((v) => v.name)]);
  const initializers = [...graph.initializers.filter((t) => read.has(t.name)), ...added];
  return { ...graph, nodes, initializers };
}
