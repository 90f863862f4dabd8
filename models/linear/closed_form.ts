/**
 * Closed-form gradient-flow trajectory (SPEC 2.3, 2.6), evaluated in log space.
 *
 * Stable form (derived here): put the problem in the frame g0 ≤ a (if g0 > a, swap A ↔ B,
 * a → −a, g → −g, z → 1/z). With Δ = √(4a² + γ̃²A²B²), d₊ = Δ + 2a, N = γ̃B² + d₊,
 * E = e^{−λt}, λ = γ̃ m2 Δ:
 *
 *     z(t)     = [ z₊ + |z₋|R·E ] / [ (1 − E) + (2Δ/N)·E ]
 *     a − g(t) = (Δ/2)·E·[ R + |z₋|R / z ] / [ (1 − E) + (2Δ/N)·E ]
 *
 * with z₊ = γ̃A²/d₊, R = 4(a − g0)γ̃B²/N², |z₋|R = 4(a − g0)d₊/N². Every term is ≥ 0, so
 * there is no cancellation for R ≈ 1, B → 0 or long times, and the limits B = 0, A = 0
 * (including the saddle) fall out of the same formula.
 */
import type { InitialState, LinearProblem } from "./problem.ts";
import { logAddExp, logMul, safeLog } from "./_log_math.ts";

/** How the flow ends: exponential convergence to g = a, algebraic convergence (a = 0 and
 * A·B = 0, so K∞ = 0), or the saddle g = 0 ≠ a (A·B = 0 with the wrong sign of a). */
export type FlowStatus = "converged" | "algebraic" | "saddle";

/** Precomputed constants of one closed-form problem (in the frame g0 ≤ a). */
export interface ClosedFormFrame {
  kind: "riccati" | "algebraic" | "static";
  mirror: boolean;
  status: FlowStatus;
  /** Exponential rate λ = γ̃ m2 Δ of the approach to the end state (m2 K∞ when converged;
   * 2γ̃ m2 |a| toward the saddle; 0 in the algebraic and static cases). */
  rate: number;
  /** Final NTK K∞ (0 for the saddle and the algebraic case). */
  kInf: number;
  /** Final output g∞ in the original frame (a, or 0 at the saddle). */
  gInf: number;
  /** The remaining fields are in the frame g0 ≤ a (mirrored when `mirror`): target, initial
   * output, γ̃, A², B², Δ, d₊, N and the logarithms of z₊, |z₋|R, R, 2Δ/N and Δ/2. */
  a: number;
  g0: number;
  gammaTilde: number;
  a2: number;
  b2: number;
  delta: number;
  dPlus: number;
  n: number;
  logZp: number;
  logZmR: number;
  logR: number;
  log2DN: number;
  logHalfDelta: number;
  /** Constant of the algebraic case, 1/z = 1 + c·t. */
  algebraicC: number;
}

/** Builds the frame constants of the closed form for one initial state. */
export function closedFormFrame(problem: LinearProblem, init: InitialState): ClosedFormFrame {
  const gt = init.gammaTilde;
  const m2 = problem.m2;
  const mirror = init.g0 > problem.a;
  const a = mirror ? -problem.a : problem.a;
  const g0 = mirror ? -init.g0 : init.g0;
  const a2 = mirror ? init.b2 : init.a2;
  const b2 = mirror ? init.a2 : init.b2;
  const x = gt * Math.sqrt(a2) * Math.sqrt(b2); // γ̃AB = K_c/γ̃
  const delta = Math.hypot(2 * a, x);
  const base = {
    mirror,
    a,
    g0,
    gammaTilde: gt,
    a2,
    b2,
    delta,
    dPlus: 0,
    n: 0,
    logZp: -Infinity,
    logZmR: -Infinity,
    logR: -Infinity,
    log2DN: -Infinity,
    logHalfDelta: -Infinity,
    algebraicC: 0,
    rate: 0,
    kInf: 0,
  };
  if (a2 === 0 && b2 === 0) {
    return { ...base, kind: "static", status: a === 0 ? "algebraic" : "saddle", gInf: 0 };
  }
  if (delta === 0) {
    // a = 0 and (in this frame) A = 0: dz/dt = −(γ̃² m2 B²/2) z².
    return {
      ...base,
      kind: "algebraic",
      status: "algebraic",
      gInf: 0,
      algebraicC: gt * gt * m2 * b2 / 2,
    };
  }
  let dPlus: number;
  let dMinus: number;
  if (a >= 0) {
    dPlus = delta + 2 * a;
    dMinus = x * (x / dPlus);
  } else {
    dMinus = delta - 2 * a;
    dPlus = x * (x / dMinus);
  }
  const n = gt * b2 + dPlus;
  const logN = Math.log(n);
  const logAmG = safeLog(4 * (a - g0));
  const logZp = dPlus > 0
    ? safeLog(gt * a2) - Math.log(dPlus)
    : Math.log(dMinus) - Math.log(gt * b2);
  const saddle = a2 === 0 && a > 0;
  return {
    ...base,
    kind: "riccati",
    status: saddle ? "saddle" : "converged",
    rate: gt * m2 * delta,
    kInf: saddle ? 0 : gt * delta,
    gInf: saddle ? 0 : problem.a,
    dPlus,
    n,
    logZp,
    logZmR: logAmG + safeLog(dPlus) - 2 * logN,
    logR: logAmG + safeLog(gt * b2) - 2 * logN,
    log2DN: Math.log(2 * delta) - logN,
    logHalfDelta: Math.log(delta / 2),
  };
}

/** log z(t) and a − g(t) in the frame, at one time t ≥ 0 (t = Infinity allowed). */
export function evalFrame(f: ClosedFormFrame, t: number): { logZ: number; logDiff: number } {
  if (f.kind === "static") return { logZ: 0, logDiff: safeLog(f.a) };
  if (f.kind === "algebraic") {
    const logZ = -Math.log1p(f.algebraicC * t);
    return { logZ, logDiff: Math.log(f.gammaTilde * f.b2 / 4) + logZ };
  }
  const lt = t === Infinity ? -Infinity : -f.rate * t;
  const e1 = t === 0 ? -Infinity : Math.log(-Math.expm1(lt));
  const logDen = logAddExp(e1, f.log2DN + lt);
  const xm = f.logZmR + lt;
  const logNum = logAddExp(f.logZp, xm);
  const logZ = logNum - logDen;
  // E·|z₋|R/z = e^{xm}·Den/Num, written so that Num → 0 (saddle) never divides 0 by 0.
  // With z₊ = 0 (saddle) Num = e^{xm} exactly, so the term is Den for every t, also t = ∞.
  const term2 = f.logZp === -Infinity
    ? logDen
    : xm === -Infinity
    ? -Infinity
    : xm - logNum + logDen;
  const logDiff = f.logHalfDelta + logAddExp(f.logR + lt, term2) - logDen;
  return { logZ, logDiff };
}

/**
 * Exact time at which the flow output reaches `gTarget`, or null when the output never
 * takes that value (outside [g0, g∞), or g∞ itself, which is reached only as t → ∞).
 */
export function timeToReach(frame: ClosedFormFrame, gTarget: number): number | null {
  const f = frame;
  const g = f.mirror ? -gTarget : gTarget;
  const gEnd = f.mirror ? -f.gInf : f.gInf;
  if (g === f.g0) return 0;
  if (!(g > f.g0 && g < gEnd)) return null;
  if (f.kind === "algebraic") return (f.g0 / g - 1) / f.algebraicC;
  if (f.kind !== "riccati") return null;
  const gt = f.gammaTilde;
  const r = Math.hypot(2 * g / gt, Math.sqrt(f.a2) * Math.sqrt(f.b2));
  const z = g >= 0 ? f.a2 / (2 * g / gt + r) : (r - 2 * g / gt) / f.b2;
  return (Math.log((f.a - f.g0) / (f.a - g)) - Math.log(z) +
    2 * Math.log((gt * f.b2 * z + f.dPlus) / f.n)) / f.rate;
}

/** Output slope, NTK and z at one time, in the original (unmirrored) frame. */
export interface ClosedFormPoint {
  logZ: number;
  g: number;
  k: number;
}

/** Evaluates g(t), K(t) and log z(t) at one time from a frame and the original A², B². */
export function closedFormPoint(
  frame: ClosedFormFrame,
  problem: LinearProblem,
  init: InitialState,
  t: number,
): ClosedFormPoint {
  if (!(t >= 0)) throw new RangeError(`Expected a time t >= 0 but found ${t}`);
  const { logZ: lzFrame, logDiff } = evalFrame(frame, t);
  const logZ = frame.mirror ? -lzFrame : lzFrame;
  const gt = init.gammaTilde;
  const la = logMul(safeLog(init.a2), -logZ);
  const lb = logMul(safeLog(init.b2), logZ);
  const k = Math.exp(Math.log(gt * gt / 2) + logAddExp(la, lb));
  const diff = (frame.mirror ? -1 : 1) * Math.exp(logDiff);
  const gFromDiff = problem.a - diff;
  // Error of g from z alone is ~ eps·(1 + |log z|)·K/(2γ̃) (rounding of log z is amplified
  // by dg/dlog z = −K/(2γ̃)); of g = a − (a − g) it is ~ eps·(|a| + |a − g|). Take the smaller.
  const scaleDirect = k === 0 ? 0 : (1 + Math.abs(logZ)) * k / (2 * gt);
  if (scaleDirect < Math.abs(problem.a) + Math.abs(diff)) {
    const g = (gt / 4) * (Math.exp(la) - Math.exp(lb));
    return { logZ, g, k };
  }
  return { logZ, g: gFromDiff, k };
}
