/** Closed-form trajectory with norms, alignment and weights (SPEC 2.3, 2.6). */
import type { InitialState, LinearProblem } from "./problem.ts";
import {
  type ClosedFormFrame,
  closedFormFrame,
  closedFormPoint,
  type FlowStatus,
} from "./closed_form.ts";

/** Closed-form values at the requested times (all arrays have the length of `times`). */
export interface Trajectory {
  times: Float64Array;
  /** Output slope g(t) = γ u·w. */
  g: Float64Array;
  /** Learning-rate-weighted NTK K(t) = γ²(η_u|w|² + η_w|u|²). */
  k: Float64Array;
  /** log z(t) (z = e^{2τ} of SPEC 2.3; may be ±large, never NaN). */
  logZ: Float64Array;
  /** z(t) = exp(log z); can under/overflow to 0 or Infinity at extreme scales. */
  z: Float64Array;
  /** |u(t)| and |w(t)| (original units). */
  normU: Float64Array;
  normW: Float64Array;
  /** cos θ(t) between u and w (0 where both g and g⊥ vanish). */
  cosTheta: Float64Array;
  /** u(t), w(t) per time; only when requested and the state was built from vectors. */
  u?: Float64Array[];
  w?: Float64Array[];
  status: FlowStatus;
  gInf: number;
  kInf: number;
  /** Exponential rate of the late-time approach (m2 K∞ when converged). */
  rate: number;
  frame: ClosedFormFrame;
}

/** Squared norms |ũ|², |w̃|² from S = K/γ̃², s = g/γ̃, c and J², without cancellation. */
export function rescaledNorms2(
  s2: number,
  c: number,
  j2: number,
  s: number,
): { uu: number; ww: number } {
  const prod = j2 + s * s; // |ũ|²|w̃|²
  const big = (s2 + Math.abs(c)) / 2;
  const small = big > 0 ? prod / big : 0;
  return c >= 0 ? { uu: big, ww: small } : { uu: small, ww: big };
}

/** cos θ = g / √(g² + g⊥²); 0 when both vanish (one of u, w is zero). */
export function cosFromOutput(g: number, gPerp: number): number {
  const r = Math.hypot(g, gPerp);
  return r > 0 ? g / r : 0;
}

/**
 * Evaluates the exact gradient-flow solution at the given times (t ≥ 0, Infinity allowed).
 *
 * @example
 * ```ts
 * import { closedForm, prepareInit } from "./mod.ts";
 * const problem = { gamma: 1, etaU: 1, etaW: 1, m2: 1, a: 1 };
 * const init = prepareInit(problem, new Float64Array([1e-3, 0]), new Float64Array([0, 1e-3]));
 * const tr = closedForm(problem, init, [0, 10, Infinity]);
 * console.log(tr.g[2], tr.k[2]); // 1 and K∞ ≈ 2 γ̃ |a| = 2
 * ```
 */
export function closedForm(
  problem: LinearProblem,
  init: InitialState,
  times: ArrayLike<number>,
  options: { weights?: boolean } = {},
): Trajectory {
  const frame = closedFormFrame(problem, init);
  const n = times.length;
  const out = {
    times: Float64Array.from(times),
    g: new Float64Array(n),
    k: new Float64Array(n),
    logZ: new Float64Array(n),
    z: new Float64Array(n),
    normU: new Float64Array(n),
    normW: new Float64Array(n),
    cosTheta: new Float64Array(n),
  };
  const gt = init.gammaTilde;
  const c = init.p - init.q;
  const gPerp = gt * Math.sqrt(init.j2);
  const wantWeights = options.weights === true && init.vPlus !== undefined;
  const u: Float64Array[] = [];
  const w: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const pt = closedFormPoint(frame, problem, init, out.times[i]);
    out.g[i] = pt.g;
    out.k[i] = pt.k;
    out.logZ[i] = pt.logZ;
    out.z[i] = Math.exp(pt.logZ);
    const { uu, ww } = rescaledNorms2(pt.k / (gt * gt), c, init.j2, pt.g / gt);
    out.normU[i] = Math.sqrt(problem.etaU * uu);
    out.normW[i] = Math.sqrt(problem.etaW * ww);
    out.cosTheta[i] = cosFromOutput(pt.g, gPerp);
    if (wantWeights) {
      const ws = weightsAt(problem, init, pt.logZ);
      u.push(ws.u);
      w.push(ws.w);
    }
  }
  return {
    ...out,
    ...(wantWeights ? { u, w } : {}),
    status: frame.status,
    gInf: frame.gInf,
    kInf: frame.kInf,
    rate: frame.rate,
    frame,
  };
}

/** u(t), w(t) from log z(t): u = (√η_u/2)(v₊ z^{-1/2} + v₋ z^{1/2}), w likewise with −v₋. */
export function weightsAt(
  problem: LinearProblem,
  init: InitialState,
  logZ: number,
): { u: Float64Array; w: Float64Array } {
  const { vPlus, vMinus } = init;
  if (vPlus === undefined || vMinus === undefined) {
    throw new TypeError("Expected an initial state built from vectors but found a Gram summary");
  }
  // An exactly zero v± contributes nothing even where z^{∓1/2} overflows.
  const cp = init.a2 > 0 ? Math.exp(-logZ / 2) : 0;
  const cm = init.b2 > 0 ? Math.exp(logZ / 2) : 0;
  const su = Math.sqrt(problem.etaU) / 2;
  const sw = Math.sqrt(problem.etaW) / 2;
  const d = vPlus.length;
  const u = new Float64Array(d);
  const w = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const x = vPlus[i] * cp;
    const y = vMinus[i] * cm;
    u[i] = su * (x + y);
    w[i] = sw * (x - y);
  }
  return { u, w };
}
