/**
 * Rewrites an execution provider needs to compute a graph correctly. The graphs themselves are
 * provider-neutral; `Session.create` applies these when it opens one.
 *
 * WebGPU: onnxruntime-node 1.30's WebGPU provider miscomputes grouped Convs with several output
 * channels per group (measured against the CPU provider: 9 outputs per group over 4, 6 or 64
 * groups off by the size of the result itself; 1, 2, 3 or 4 per group, or 45 channels in all,
 * were right). The conv weight gradient's im2col is such a Conv: one input channel per group and
 * the same one-hot kernel in every group. A Conv of that kind equals a plain Conv over the
 * channels as separate images: X [N, g, H, W] → [N·g, 1, H, W], the Conv with the shared kernel
 * [m, 1, kh, kw], and [N·g, m, P, Q] → [N, g·m, P, Q], which WebGPU computes right. The CPU
 * keeps the grouped Conv: it runs 3-5 % of a ResNet-18 step faster there.
 */
import type { Graph, Initializer, Node } from "../onnx/mod.ts";
import type { ExecutionProvider } from "./session.ts";

/** `graph` as `ep` should run it. */
export function graphForProvider(graph: Graph, ep: ExecutionProvider): Graph {
  return ep === "webgpu" ? ungroupSharedConvs(graph) : graph;
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
 * by Reshape → Conv → Reshape (see the module comment); other nodes are kept as they are.
 */
export function ungroupSharedConvs(graph: Graph): Graph {
  const inits = new Map(graph.initializers.map((t) => [t.name, t]));
  const nodes: Node[] = [];
  const added: Initializer[] = [];
  for (const node of graph.nodes) {
    const shared = sharedKernel(node, inits);
    if (!shared) {
      nodes.push(node);
      continue;
    }
    const { w, group, perGroup, per } = shared;
    const at = (suffix: string) => `${node.name}/ungrouped_${suffix}`;
    const int64s = (name: string, values: readonly number[]): Initializer => ({
      name,
      dtype: "int64",
      shape: [values.length],
      data: BigInt64Array.from(values, BigInt),
    });
    added.push(
      {
        name: at("kernel"),
        dtype: w.dtype,
        shape: [perGroup, ...w.shape.slice(1)],
        data: w.data.slice(0, per),
      },
      // 0 keeps the input's size on that axis, −1 takes the rest (ONNX Reshape)
      int64s(at("planes_shape"), [-1, 1, 0, 0]),
      int64s(at("out_shape"), [-1, group * perGroup, 0, 0]),
    );
    const { group: _, ...attrs } = node.attrs;
    nodes.push(
      {
        name: at("planes"),
        op: "Reshape",
        inputs: [node.inputs[0], at("planes_shape")],
        outputs: [at("planes")],
        attrs: {},
      },
      {
        name: at("conv"),
        op: "Conv",
        inputs: [at("planes"), at("kernel")],
        outputs: [at("conv")],
        attrs,
        doc: node.doc,
      },
      {
        name: at("out"),
        op: "Reshape",
        inputs: [at("conv"), at("out_shape")],
        outputs: node.outputs,
        attrs: {},
      },
    );
  }
  if (added.length === 0) return graph;
  const read = new Set(nodes.flatMap((n) => n.inputs));
  const initializers = [...graph.initializers.filter((t) => read.has(t.name)), ...added];
  return { ...graph, nodes, initializers };
}
