/** Gradient checking: emitted backward graphs against central finite differences in float64. */
import { evalGraph, type Graph, runGraph, toFloat64 } from "../onnx/mod.ts";
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

/** Result of one check: worst relative errors of ORT and reference gradients against FD. */
export interface GradCheck {
  readonly ort: number;
  readonly ref: number;
}

/**
 * Builds `forward` on float64 inputs, reduces its output to L = Σ y·r with fixed r, emits the
 * backward graph and checks d L / d input from ONNX Runtime and from the reference evaluator
 * against central differences (step `h`) of L on the reference evaluator.
 */
export async function checkGradients(
  shapes: Readonly<Record<string, readonly number[]>>,
  forward: (b: GraphBuilder, xs: Tensor[]) => Tensor,
  feeds: Readonly<Record<string, Float64Array>>,
  h = 1e-5,
): Promise<GradCheck> {
  const b = new GraphBuilder("gradcheck");
  const xs = Object.entries(shapes).map(([name, s]) => b.input(name, "float64", s));
  const y = forward(b, xs);
  // Parameters declared inside `forward` (b.param) are differentiated as well.
  const wrt = [...b.inputs];
  const r = b.constant("r", "float64", y.shape, seeded(y.shape.reduce((p, d) => p * d, 1), 99));
  const prod = b.emit("Mul", [y, r], {}, { name: "y_r" });
  const loss = y.shape.length === 0
    ? prod
    : b.emit("ReduceSum", [prod, b.int64s("all_axes", y.shape.map((_, i) => i))], {
      keepdims: 0,
    }, { name: "L" });
  const fwd: Graph = { ...b.build(), outputs: [loss] };
  const grads = emitBackward(b, loss, wrt);
  for (const g of grads) b.output(g);
  const graph = b.build();
  const viaOrt = await runGraph(graph, feeds);
  const viaRef = evalGraph(graph, feeds);
  let worstOrt = 0;
  let worstRef = 0;
  for (const x of wrt) {
    const base = feeds[x.name];
    const fd = new Float64Array(base.length);
    for (let i = 0; i < base.length; i++) {
      const plus = Float64Array.from(base);
      const minus = Float64Array.from(base);
      plus[i] += h;
      minus[i] -= h;
      const lp = evalGraph(fwd, { ...feeds, [x.name]: plus })[loss.name].data[0];
      const lm = evalGraph(fwd, { ...feeds, [x.name]: minus })[loss.name].data[0];
      fd[i] = (lp - lm) / (2 * h);
    }
    worstOrt = Math.max(worstOrt, relErr(toFloat64(viaOrt[`${x.name}_grad`].data), fd));
    worstRef = Math.max(worstRef, relErr(viaRef[`${x.name}_grad`].data, fd));
  }
  return { ort: worstOrt, ref: worstRef };
}
