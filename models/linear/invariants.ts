/** Conserved quantities (SPEC 2.2), converged state (2.5) and time scales (2.7). */
import { closedFormFrame, type FlowStatus, timeToReach } from "./closed_form.ts";
import { gammaTildeOf, gramDeterminant, type InitialState, type LinearProblem } from "./problem.ts";
import { cosFromOutput, rescaledNorms2 } from "./trajectory.ts";

/** Scalar invariants of one weight pair, with the magnitudes used to make drifts relative. */
export interface Invariants {
  /** c = |u|²/η_u − |w|²/η_w. */
  c: number;
  /** J² = |ũ|²|w̃|² − (ũ·w̃)². */
  j2: number;
  /** K² − 4γ̃²g² = γ̃⁴A²B² (computed from |ũ ± w̃|², free of cancellation). */
  kc2: number;
  /** Scales: |ũ|² + |w̃|², |ũ|²|w̃|², K². */
  scaleC: number;
  scaleJ2: number;
  scaleKc2: number;
}

/** Computes c, J² and K² − 4γ̃²g² of a weight pair (original units in, rescaled inside). */
export function invariants(problem: LinearProblem, u: Float64Array, w: Float64Array): Invariants {
  const su = 1 / Math.sqrt(problem.etaU), sw = 1 / Math.sqrt(problem.etaW);
  const d = u.length;
  const ut = new Float64Array(d), wt = new Float64Array(d);
  let p = 0, q = 0, a2 = 0, b2 = 0;
  for (let i = 0; i < d; i++) {
    ut[i] = u[i] * su;
    wt[i] = w[i] * sw;
    p += ut[i] * ut[i];
    q += wt[i] * wt[i];
    a2 += (ut[i] + wt[i]) ** 2;
    b2 += (ut[i] - wt[i]) ** 2;
  }
  const gt2 = gammaTildeOf(problem) ** 2;
  return {
    c: p - q,
    j2: gramDeterminant(ut, wt),
    kc2: gt2 * gt2 * a2 * b2,
    scaleC: p + q,
    scaleJ2: p * q,
    scaleKc2: gt2 * gt2 * (p + q) * (p + q),
  };
}

/**
 * Relative drifts |I(t) − I(0)| / max(scale(0), scale(t)) of c, J² and K_c². Each invariant
 * is a difference of terms of size "scale", so its rounding floor is eps·scale at the time it
 * is evaluated; normalising by the larger of the two scales keeps the measure meaningful when
 * the weights grow by orders of magnitude (small initialisation).
 */
export function invariantDrift(before: Invariants, after: Invariants): {
  c: number;
  j2: number;
  kc2: number;
} {
  return {
    c: Math.abs(after.c - before.c) / Math.max(before.scaleC, after.scaleC),
    j2: Math.abs(after.j2 - before.j2) / Math.max(before.scaleJ2, after.scaleJ2),
    kc2: Math.abs(after.kc2 - before.kc2) / Math.max(before.scaleKc2, after.scaleKc2),
  };
}

/**
 * ‖Q − Q0‖_F / max(S0, S) for the matrix invariant Q = u uᵀ/η_u − w wᵀ/η_w, where
 * S = |u|²/η_u + |w|²/η_w bounds the Frobenius norms of the two terms of Q (same reasoning as
 * {@link invariantDrift}). Entry by entry in O(d²) time and O(1) memory (no d×d matrix is
 * formed; meant for d up to a few thousand).
 */
export function matrixInvariantDrift(
  problem: LinearProblem,
  u0: Float64Array,
  w0: Float64Array,
  u: Float64Array,
  w: Float64Array,
): number {
  const iu = 1 / problem.etaU, iw = 1 / problem.etaW;
  let num = 0, s0 = 0, s1 = 0;
  const d = u0.length;
  for (let i = 0; i < d; i++) {
    s0 += u0[i] * u0[i] * iu + w0[i] * w0[i] * iw;
    s1 += u[i] * u[i] * iu + w[i] * w[i] * iw;
    for (let j = 0; j < d; j++) {
      const q0 = u0[i] * u0[j] * iu - w0[i] * w0[j] * iw;
      const q1 = u[i] * u[j] * iu - w[i] * w[j] * iw;
      num += (q1 - q0) ** 2;
    }
  }
  const scale = Math.max(s0, s1);
  return scale > 0 ? Math.sqrt(num) / scale : 0;
}

/** End state of the gradient flow (SPEC 2.5). */
export interface ConvergedState {
  status: FlowStatus;
  gInf: number;
  /** K∞ = √(K0² + 4γ̃²(a² − g0²)) = γ̃Δ when converged; 0 at the saddle. */
  kInf: number;
  normUInf: number;
  normWInf: number;
  cosThetaInf: number;
  /** Signed ζ_s(∞) = K∞/K0 − 1 (0 when K0 = 0). */
  zetaSignedInf: number;
  /** Exponential rate of the late-time approach (m2 K∞ when converged). */
  rate: number;
}

/** Converged state of the flow from the closed form (no integration). */
export function convergedState(problem: LinearProblem, init: InitialState): ConvergedState {
  const f = closedFormFrame(problem, init);
  const gt = init.gammaTilde;
  const { uu, ww } = rescaledNorms2(f.kInf / (gt * gt), init.p - init.q, init.j2, f.gInf / gt);
  return {
    status: f.status,
    gInf: f.gInf,
    kInf: f.kInf,
    normUInf: Math.sqrt(problem.etaU * uu),
    normWInf: Math.sqrt(problem.etaW * ww),
    cosThetaInf: cosFromOutput(f.gInf, gt * Math.sqrt(init.j2)),
    zetaSignedInf: zetaSignedInfOf(init, f.status, f.kInf, problem.a),
    rate: f.rate,
  };
}

/**
 * ζ_s(∞) = K∞/K0 − 1 written as 4γ̃²(a² − g0²)/(K0(K∞ + K0)) when converged, so that the
 * tiny kernel-regime values (≈ ρ_a²/2, down to 1e-12 and below) keep full relative accuracy.
 */
function zetaSignedInfOf(init: InitialState, status: FlowStatus, kInf: number, a: number): number {
  if (!(init.k0 > 0)) return 0;
  if (status !== "converged") return kInf / init.k0 - 1;
  const gt = init.gammaTilde;
  const num = 4 * gt * gt * (a - init.g0) * (a + init.g0);
  return num / (init.k0 * (kInf + init.k0));
}

/** Characteristic times of the flow (SPEC 2.7); null where a time does not exist. */
export interface TimeScales {
  /** Kernel-regime time 1/(m2 K0). */
  kernelTime: number | null;
  /** Late-time convergence time 1/λ = 1/(m2 K∞). */
  convergenceTime: number | null;
  /** Exact time at which g reaches (g0 + a)/2. */
  halfwayTime: number | null;
  /** Exact time at which g reaches a/2 (if g passes there). */
  halfTargetTime: number | null;
  /** Small-initialisation estimate ln(4|a|/(γ̃A²))/(m2K∞) (B² for a < 0), SPEC 2.7. */
  halfTargetApprox: number | null;
}

/** Time scales from the closed form, including exact first-passage times. */
export function timeScales(problem: LinearProblem, init: InitialState): TimeScales {
  const f = closedFormFrame(problem, init);
  const { a, m2 } = problem;
  const v = problem.a >= 0 ? init.a2 : init.b2;
  const arg = 4 * Math.abs(a) / (init.gammaTilde * v);
  const approx = f.status === "converged" && a !== 0 && arg > 1 && Number.isFinite(arg)
    ? Math.log(arg) / (m2 * f.kInf)
    : null;
  return {
    kernelTime: init.k0 > 0 ? 1 / (m2 * init.k0) : null,
    convergenceTime: f.status === "converged" && f.rate > 0 ? 1 / f.rate : null,
    halfwayTime: timeToReach(f, init.g0 + 0.5 * (a - init.g0)),
    halfTargetTime: timeToReach(f, a / 2),
    halfTargetApprox: approx,
  };
}
