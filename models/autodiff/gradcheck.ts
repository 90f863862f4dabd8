/** Gradient checking: emitted backward graphs against central finite differences in float64. */
import type { Graph } from "../onnx/ir.ts";
import { evalGraph, toFloat64 } from "../onnx/reference/eval.ts";
import { runGraph } from "../onnx/run.ts";
import { emitBackward } from "./backward.ts";
import { GraphBuilder, type Tensor } from "./builder.ts";

/** Deterministic values in [-2, 2) from a 32-bit LCG (no global randomness in tests). */
export function seeded(n: number, seed: number): Float64Array {
  let s = (seed * 2654435761) >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 4 - 2;
  });
}

/** Max-norm relative error ‖a − b‖∞ / ‖b‖∞ (‖b‖∞ floored at 1e-12). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 1e-12;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

/** Result of one check: worst relative errors of ORT and reference values against FD/reference. */
export interface GradCheck {
  /** ORT gradients against central differences. */
  readonly ort: number;
  /** Reference-evaluator gradients against central differences. */
  readonly ref: number;
  /** ORT forward output against the float64 reference forward output. */
  readonly ortForward: number;
}

/** Options of `checkGradients`. */
export interface GradCheckOptions {
  /** Step of the central differences (default 1e-5). */
  readonly h?: number;
  /**
   * Dtype of the graph run in ONNX Runtime (default float64). Use float32 for ops without float64
   * CPU kernels (Conv, ConvTranspose, pools): `forward` must then build on its inputs' dtype.
   */
  readonly ortDtype?: "float32" | "float64";
  /** Check at most this many evenly spaced coordinates per input (whole-model checks). */
  readonly sample?: number;
}

/** Coordinates of a tensor of `n` elements to difference: all, or `k` evenly spaced. */
function coordinates(n: number, k: number | undefined): number[] {
  if (k === undefined || k >= n) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: k }, (_, j) => Math.floor(((j + 0.5) * n) / k));
}

interface Built {
  readonly graph: Graph;
  readonly fwd: Graph;
  readonly wrt: readonly Tensor[];
  readonly y: Tensor;
  readonly loss: Tensor;
}

function buildCheckGraph(
  shapes: Readonly<Record<string, readonly number[]>>,
  forward: (b: GraphBuilder, xs: Tensor[]) => Tensor,
  dtype: "float32" | "float64",
): Built {
  const b = new GraphBuilder("gradcheck");
  const xs = Object.entries(shapes).map(([name, s]) => b.input(name, dtype, s));
  const y = forward(b, xs);
  // Parameters declared inside `forward` (b.param) are differentiated as well.
  const wrt = [...b.inputs];
  const n = y.shape.reduce((p, d) => p * d, 1);
  const rv = seeded(n, 99);
  const r = b.constant("r", dtype, y.shape, dtype === "float32" ? Float32Array.from(rv) : rv);
  const prod = b.emit("Mul", [y, r], {}, { name: "y_r" });
  const loss = y.shape.length === 0
    ? prod
    : b.emit("ReduceSum", [prod, b.int64s("all_axes", y.shape.map((_, i) => i))], {
      keepdims: 0,
    }, { name: "L" });
  const fwd: Graph = { ...b.build(), outputs: [loss] };
  const grads = emitBackward(b, loss, wrt);
  for (const g of grads) b.output(g);
  b.output(y);
  return { graph: b.build(), fwd, wrt, y, loss };
}

/**
 * Builds `forward` on float64 inputs, reduces its output to L = Σ y·r with fixed r, emits the
 * backward graph and checks d L / d input from ONNX Runtime and from the reference evaluator
 * against central differences of L on the reference evaluator; also compares ORT's forward
 * output with the reference one.
 */
export async function checkGradients(
  shapes: Readonly<Record<string, readonly number[]>>,
  forward: (b: GraphBuilder, xs: Tensor[]) => Tensor,
  feeds: Readonly<Record<string, Float64Array>>,
  opts: GradCheckOptions = {},
): Promise<GradCheck> {
  const h = opts.h ?? 1e-5;
  const ortDtype = opts.ortDtype ?? "float64";
  const { graph, fwd, wrt, y, loss } = buildCheckGraph(shapes, forward, "float64");
  const viaRef = evalGraph(graph, feeds);
  const ortGraph = ortDtype === "float64"
    ? graph
    : buildCheckGraph(shapes, forward, ortDtype).graph;
  const ortFeeds = ortDtype === "float64"
    ? feeds
    : Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, Float32Array.from(v)]));
  const viaOrt = await runGraph(ortGraph, ortFeeds);
  let worstOrt = 0;
  let worstRef = 0;
  for (const x of wrt) {
    const base = feeds[x.name];
    const at = coordinates(base.length, opts.sample);
    const fd = new Float64Array(at.length);
    for (const [k, i] of at.entries()) {
      const plus = Float64Array.from(base);
      const minus = Float64Array.from(base);
      plus[i] += h;
      minus[i] -= h;
      const lp = evalGraph(fwd, { ...feeds, [x.name]: plus })[loss.name].data[0];
      const lm = evalGraph(fwd, { ...feeds, [x.name]: minus })[loss.name].data[0];
      fd[k] = (lp - lm) / (2 * h);
    }
    const pick = (d: ArrayLike<number>) => at.map((i) => d[i]);
    worstOrt = Math.max(worstOrt, relErr(pick(toFloat64(viaOrt[`${x.name}_grad`].data)), fd));
    worstRef = Math.max(worstRef, relErr(pick(viaRef[`${x.name}_grad`].data), fd));
  }
  const ortForward = relErr(toFloat64(viaOrt[y.name].data), viaRef[y.name].data);
  return { ort: worstOrt, ref: worstRef, ortForward };
}
