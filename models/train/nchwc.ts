/**
 * onnxruntime's NCHWc convolutions for training graphs on the CPU.
 *
 * ONNX Runtime runs a Conv fastest in its blocked NCHWc layout (channels in blocks of 8 or 16
 * floats, the width of the machine's vectors), but its graph optimizer converts only Convs whose
 * weights are constant initializers. In a training graph the weights are inputs, so every Conv
 * would run MLAS's plain NCHW kernel. The kernels of the `com.microsoft.nchwc` domain take any
 * weight tensor, in their blocked filter layout; `nchwcConvs` therefore rewrites each eligible
 * Conv (float32, 2-D, one group, input and output channels multiples of the block) into
 *
 *   W ─Reshape─Transpose(─Reshape─Transpose)─Reshape→ W' (OIHW → OIHW·Bi·Bo, the layout of
 *     MlasReorderFilterOIHWBiBo; blockFilter)
 *   X ─ReorderInput→ Conv(nchwc)(·, W', B) ─ReorderOutput→ Y
 *
 * with the same attributes. Forward Convs and the stride-1 input gradients (a Conv with the flipped
 * kernel) qualify in ResNet-18 beyond its stem; the weight gradient's one-hot Convs (im2col,
 * split-taps column shift) are grouped and stay. Measured on ResNet-18's Conv shapes at batch 128,
 * one Conv per session, reorders included (2 threads, AVX-512, 2026-11-29): the 3×3 Convs
 * 1.04-1.37x as fast as the plain one (best times); a 1×1 stride-2 Conv 1.37x at 256 channels on
 * 8×8 but 0.60x at 64 on 32×32, where reordering its input costs more than the Conv (in ResNet-18
 * that reorder is shared with the 3×3 Conv reading the same input, and keeping that 1×1 Conv plain
 * was no faster). Whole training steps: 0.89-0.92x the time at full width, 0.88x at width 1/8
 * (in-process A/Bs).
 *
 * The block width is the machine's (16 with AVX-512, 8 with AVX2, none elsewhere), and a wrong
 * one gives wrong numbers, not an error: `nchwcBlockSize` finds it by running a small rewritten
 * Conv against the plain one on this machine, once per process, and reports 0 (no rewrite) when
 * neither width agrees or the domain is missing.
 */
import * as ort from "onnxruntime-node";
import {
  type DomainNode,
  type DType,
  type Graph,
  type Initializer,
  int64Initializer,
  type Node,
  type ProviderGraph,
} from "../onnx/ir.ts";
import { CONV_ATTRS } from "../onnx/ops.ts";
import { serializeModel } from "../onnx/serialize.ts";
import { spatialOf } from "../onnx/shape_conv.ts";
import { inferOutputs } from "../onnx/shape.ts";
import { createRng } from "../rng.ts";

/** onnxruntime's NCHWc operator domain and its version. */
export const NCHWC_DOMAIN = "com.microsoft.nchwc";
const NCHWC_VERSION = 1;

/** dtype and static shape of every value of `graph` that inference can resolve. */
function valueTypes(graph: Graph) {
  const types = new Map<string, { dtype: DType; shape: readonly number[] }>();
  const ints = new Map<string, readonly number[]>();
  for (const v of graph.inputs) types.set(v.name, v);
  for (const t of graph.initializers) {
    types.set(t.name, t);
    if (t.data instanceof BigInt64Array) ints.set(t.name, Array.from(t.data, Number));
  }
  for (const n of graph.nodes) {
    const xs = n.inputs.map((name) => types.get(name));
    if (xs.some((x) => x === undefined)) continue;
    try {
      const outs = inferOutputs(
        n.op,
        xs.map((x, i) => ({ ...x!, value: ints.get(n.inputs[i]) })),
        n.attrs,
      );
      outs.forEach((o, i) => types.set(n.outputs[i], o));
    } catch {
      // a value inference cannot resolve leaves its consumers unrewritten
    }
  }
  return types;
}

/**
 * `graph` with every eligible Conv (see the module comment) computed by onnxruntime's NCHWc
 * kernels for block width `block`; other nodes are kept as they are. An input or a weight
 * read by several rewritten Convs is reordered once. New names are `<node>/nchwc_<what>`; a
 * clash with an existing name is an error.
 */
export function nchwcConvs(graph: Graph, block: number): ProviderGraph {
  if (!Number.isInteger(block) || block < 2) {
    throw new RangeError(`Expected an NCHWc block width of at least 2 but found ${block}`);
  }
  const types = valueTypes(graph);
  const taken = new Set([
    ...graph.inputs.map((v) => v.name),
    ...graph.initializers.map((t) => t.name),
    ...graph.nodes.flatMap((n) => [n.name, ...n.outputs]),
  ]);
  const fresh = (node: Node, what: string) => {
    const name = `${node.name}/nchwc_${what}`;
    if (taken.has(name)) {
      throw new RangeError(`Expected "${name}" to be a new name in "${graph.name}" but it exists`);
    }
    taken.add(name);
    return name;
  };
  const nodes: (Node | DomainNode)[] = [];
  const added: Initializer[] = [];
  const reordered = new Map<string, string>();
  const filters = new Map<string, string>();
  const int64s = (name: string, values: readonly number[]) => {
    added.push(int64Initializer(name, values));
    return name;
  };
  const domainNode = (
    name: string,
    op: string,
    inputs: string[],
    outputs: string[],
    attrs: DomainNode["attrs"],
    attrKinds: DomainNode["attrKinds"],
  ): DomainNode => ({
    name,
    domain: NCHWC_DOMAIN,
    version: NCHWC_VERSION,
    op,
    inputs,
    outputs,
    attrs,
    attrKinds,
  });
  for (const node of graph.nodes) {
    const x = types.get(node.inputs[0]);
    const w = types.get(node.inputs[1]);
    const eligible = node.op === "Conv" && x?.dtype === "float32" && x.shape.length === 4 &&
      w?.shape.length === 4 && (node.attrs.group ?? 1) === 1 &&
      w.shape[0] % block === 0 && w.shape[1] % block === 0;
    if (!eligible) {
      nodes.push(node);
      continue;
    }
    const [o, c, kh, kw] = w!.shape;
    const s = spatialOf(node.attrs, [kh, kw], "Conv");
    let xr = reordered.get(node.inputs[0]);
    if (xr === undefined) {
      xr = fresh(node, "x");
      nodes.push(domainNode(xr, "ReorderInput", [node.inputs[0]], [xr], {}, {}));
      reordered.set(node.inputs[0], xr);
    }
    let filter = filters.get(node.inputs[1]);
    if (filter === undefined) {
      filter = fresh(node, "w");
      nodes.push(
        ...blockFilter(
          node.inputs[1],
          filter,
          [o, c, kh, kw],
          block,
          (what) => fresh(node, what),
          int64s,
        ),
      );
      filters.set(node.inputs[1], filter);
    }
    const conv = fresh(node, "y");
    nodes.push(
      domainNode(conv, "Conv", [xr, filter, ...node.inputs.slice(2)], [conv], {
        kernel_shape: [kh, kw],
        strides: [...s.strides],
        pads: [...s.pads],
        dilations: [...s.dilations],
      }, CONV_ATTRS),
      domainNode(fresh(node, "out"), "ReorderOutput", [conv], [...node.outputs], { channels: o }, {
        channels: "int",
      }),
    );
  }
  if (added.length === 0) return graph;
  return { ...graph, nodes, initializers: [...graph.initializers, ...added] };
}

/**
 * Nodes that reorder the weight `w` [O, I, kh, kw] into MLAS's blocked filter layout
 * [O/B, I/B, kh, kw, Bi, Bo] as `out`, in two Transposes that each move one axis:
 * [O/B, Bo, I·kh·kw] → [O/B, I·kh·kw, Bo], then [·, Bi, kh·kw, Bo] → [·, kh·kw, Bi, Bo] (none
 * for a 1×1 kernel). onnxruntime copies those with its single-axis kernels; the one Transpose
 * [O/B, Bo, I/B, Bi, kh, kw] → [O/B, I/B, kh, kw, Bi, Bo] it runs element by element, and over
 * a ResNet-18 step that took twice as long (measured: see README, Benchmarks).
 */
export function blockFilter(
  w: string,
  out: string,
  [o, c, kh, kw]: readonly number[],
  block: number,
  fresh: (what: string) => string,
  int64s: (name: string, values: readonly number[]) => string,
): Node[] {
  const taps = kh * kw;
  const nodes: Node[] = [];
  const step = (
    op: "Reshape" | "Transpose",
    input: string,
    what: string,
    arg: readonly number[],
  ) => {
    const name = fresh(what);
    nodes.push(
      op === "Reshape"
        ? {
          name,
          op,
          inputs: [input, int64s(fresh(`${what}_shape`), arg)],
          outputs: [name],
          attrs: {},
        }
        : { name, op, inputs: [input], outputs: [name], attrs: { perm: [...arg] } },
    );
    return name;
  };
  // [O/B, Bo, I·kh·kw] → [O/B, I·kh·kw, Bo] = [O/B, I/B, Bi, kh·kw, Bo]
  let v = step("Reshape", w, "w_rows", [o / block, block, c * taps]);
  v = step("Transpose", v, "w_bo_last", [0, 2, 1]);
  if (taps > 1) {
    // [O/B·I/B, Bi, kh·kw, Bo] → [O/B·I/B, kh·kw, Bi, Bo]
    v = step("Reshape", v, "w_taps", [(o / block) * (c / block), block, taps, block]);
    v = step("Transpose", v, "w_blocked", [0, 2, 1, 3]);
  }
  nodes.push({
    name: out,
    op: "Reshape",
    inputs: [v, int64s(fresh("w_shape"), [o, c, kh, kw])],
    outputs: [out],
    attrs: {},
  });
  return nodes;
}

/** A Conv X [2, 16, 6, 5] ⊛ W [16, 16, 3, 3], stride 1, pads 1, for the block-width probe. */
function probeGraph(): Graph {
  return {
    name: "nchwc_probe",
    inputs: [
      { name: "x", dtype: "float32", shape: [2, 16, 6, 5] },
      { name: "w", dtype: "float32", shape: [16, 16, 3, 3] },
    ],
    outputs: [{ name: "y", dtype: "float32", shape: [2, 16, 6, 5] }],
    initializers: [],
    nodes: [{
      name: "conv",
      op: "Conv",
      inputs: ["x", "w"],
      outputs: ["y"],
      attrs: { pads: [1, 1, 1, 1] },
    }],
  };
}

/** Output "y" of the serialised model `bytes` on ONNX Runtime's CPU provider. */
async function runProbe(bytes: Uint8Array, feeds: Record<string, ort.Tensor>) {
  const s = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    logSeverityLevel: 4,
  });
  try {
    return (await s.run(feeds)).y.data as Float32Array;
  } finally {
    await s.release();
  }
}

/**
 * The NCHWc block width (16 or 8) for which a rewritten Conv agrees with the plain one on this
 * machine, or 0 when neither does or the domain's kernels are missing.
 */
export async function detectNchwcBlock(): Promise<number> {
  const graph = probeGraph();
  const rng = createRng(20261129);
  const [x, w] = graph.inputs.map((v) =>
    new ort.Tensor(
      "float32",
      Float32Array.from({ length: v.shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
      [...v.shape],
    )
  );
  const feeds = { x, w };
  const want = await runProbe(serializeModel(graph), feeds);
  for (const block of [16, 8]) {
    const rewritten = nchwcConvs(graph, block);
    if (rewritten === graph) {
      throw new Error(`Expected the probe Conv to be rewritten for ${block}`);
    }
    const bytes = serializeModel(rewritten);
    let got: Float32Array;
    try {
      got = await runProbe(bytes, feeds);
    } catch {
      // ONNX Runtime could not open or run the domain's kernels: not in this build or for this
      // CPU. The plain probe above ran, so this is not a failure of ONNX Runtime as a whole.
      return 0;
    }
    // the sums have 144 terms of size ~1: float32 reorderings differ by ~1e-5 at most
    if (got.length === want.length && got.every((v, i) => Math.abs(v - want[i]) <= 1e-3)) {
      return block;
    }
  }
  return 0;
}

let detected: Promise<number> | undefined;

/** `detectNchwcBlock()`, run once per process; a probe that failed is run again next time. */
export function nchwcBlockSize(): Promise<number> {
  detected ??= detectNchwcBlock().catch((e) => {
    detected = undefined;
    throw e;
  });
  return detected;
}
