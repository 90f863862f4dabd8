/** Initialisations: seeded Gaussian draws and the expected statistics of SPEC 2.8. */
import type { Rng } from "../rng.ts";
import { gammaTildeOf, type InitGram, type LinearProblem } from "./problem.ts";

/** Draws u0 ~ N(0, σ_u² I_d) then w0 ~ N(0, σ_w² I_d) from `rng` (in that order). */
export function sampleInit(
  rng: Rng,
  d: number,
  sigmaU: number,
  sigmaW: number,
): { u0: Float64Array; w0: Float64Array } {
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`Expected a width d >= 1 but found ${d}`);
  const u0 = rng.fillNormal(new Float64Array(d), sigmaU);
  const w0 = rng.fillNormal(new Float64Array(d), sigmaW);
  return { u0, w0 };
}

/**
 * Expected Gram statistics of an i.i.d. Gaussian init at width d (SPEC 2.8):
 * |u0|² = dσ_u², |w0|² = dσ_w², u0·w0 = √d σ_u σ_w ξ, i.e. cos θ0 = ξ/√d (clamped to [−1, 1]).
 * ξ = 0 (the mean of u0·w0) is the project default for deterministic width sweeps: with
 * ξ² = a² (e.g. ξ = 1 at a = 1) the leading NTK change of the NTK-type parametrisations
 * cancels (ζ(∞) ≈ (a² − ξ²)/(2d) for NTK), so ξ = 1 would hide the 1/d law.
 * At d = 1 the vectors are parallel: u0·w0 = ±σ_uσ_w with the sign of ξ (+ for ξ = 0).
 */
export function expectedGram(d: number, sigmaU: number, sigmaW: number, xi = 0): InitGram {
  const uu = d * sigmaU * sigmaU;
  const ww = d * sigmaW * sigmaW;
  const cos = d === 1 ? (xi < 0 ? -1 : 1) : Math.max(-1, Math.min(1, xi / Math.sqrt(d)));
  return { uu, ww, uw: cos * Math.sqrt(uu) * Math.sqrt(ww) };
}

/** Vectors in R^d (nonzero only in the first two coordinates) with the given Gram summary. */
export function vectorsFromGram(gram: InitGram, d: number): { u0: Float64Array; w0: Float64Array } {
  const u0 = new Float64Array(d), w0 = new Float64Array(d);
  const nu = Math.sqrt(gram.uu), nw = Math.sqrt(gram.ww);
  if (d === 1) {
    u0[0] = nu;
    w0[0] = gram.uw < 0 ? -nw : nw;
    return { u0, w0 };
  }
  if (nu === 0) {
    w0[1] = nw;
    return { u0, w0 };
  }
  u0[0] = nu;
  w0[0] = gram.uw / nu;
  w0[1] = Math.sqrt(Math.max(0, gram.ww - w0[0] * w0[0]));
  return { u0, w0 };
}

/** Expected K0, g0, γ̃ and cos θ0 of SPEC 2.8 for the given ξ. */
export function initStatistics(
  problem: LinearProblem,
  d: number,
  sigmaU: number,
  sigmaW: number,
  xi = 0,
): { k0: number; g0: number; gammaTilde: number; cosTheta0: number } {
  const { gamma, etaU, etaW } = problem;
  return {
    k0: gamma * gamma * d * (etaU * sigmaW * sigmaW + etaW * sigmaU * sigmaU),
    g0: gamma * Math.sqrt(d) * sigmaU * sigmaW * xi,
    gammaTilde: gammaTildeOf(problem),
    cosTheta0: xi / Math.sqrt(d),
  };
}
