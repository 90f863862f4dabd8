/**
 * Named parametrisations of the solvable model (SPEC 4.4, constants as SPEC 5.1): each
 * kernel member coincides with its feature-learning partner at the reference width dRef and
 * K0 stays Θ(1) in d. β = 1 except μP.
 */
import type { LinearProblem } from "./problem.ts";

/** Names of SPEC 4.4. */
export type ParametrisationName =
  | "ntk"
  | "meanField"
  | "kaiming"
  | "kaimingPlus"
  | "xavier"
  | "xavierPlus"
  | "muP";

/** All names, in table order. */
export const PARAMETRISATION_NAMES: readonly ParametrisationName[] = [
  "ntk",
  "meanField",
  "kaiming",
  "kaimingPlus",
  "xavier",
  "xavierPlus",
  "muP",
];

/** A parametrisation at one width: problem, init standard deviations, predicted slope. */
export interface Parametrisation {
  name: ParametrisationName;
  d: number;
  problem: LinearProblem;
  sigmaU: number;
  sigmaW: number;
  /** Predicted log-log slope of ζ(∞) in d: 0, −1 or −2 (SPEC 6 claim 4). */
  expectedSlope: number;
}

/** Options: base rate η0 (default 0.05), reference width (100), target a (1), m2 (1). */
export interface ParametrisationOptions {
  eta0?: number;
  dRef?: number;
  a?: number;
  m2?: number;
}

/**
 * Hyperparameters of a named parametrisation at width d:
 * ntk γ=d^{-1/2}, σ²=1, η=η0 | meanField γ=√dRef/d, σ²=1, η=η0 d/dRef |
 * kaiming γ=1, σ_u²=1/d, σ_w²=1, η=η0 dRef/d | kaimingPlus γ=dRef/d, same σ, η=η0 d/dRef |
 * xavier γ=d/dRef, σ²=2/(d+1), η=η0 (dRef/d)² | xavierPlus γ=1, σ²=2/(d+1), η=η0 |
 * muP γ=1, σ_u²=1/d², σ_w²=1, η_u=η0 dRef/d, η_w=η0 d/dRef.
 */
export function parametrisation(
  name: ParametrisationName,
  d: number,
  opts: ParametrisationOptions = {},
): Parametrisation {
  const eta0 = opts.eta0 ?? 0.05;
  const dRef = opts.dRef ?? 100;
  const a = opts.a ?? 1;
  const m2 = opts.m2 ?? 1;
  const make = (
    gamma: number,
    etaU: number,
    etaW: number,
    varU: number,
    varW: number,
    expectedSlope: number,
  ): Parametrisation => ({
    name,
    d,
    problem: { gamma, etaU, etaW, m2, a },
    sigmaU: Math.sqrt(varU),
    sigmaW: Math.sqrt(varW),
    expectedSlope,
  });
  const xv = 2 / (d + 1);
  switch (name) {
    case "ntk":
      return make(1 / Math.sqrt(d), eta0, eta0, 1, 1, -1);
    case "meanField":
      return make(Math.sqrt(dRef) / d, eta0 * d / dRef, eta0 * d / dRef, 1, 1, 0);
    case "kaiming":
      return make(1, eta0 * dRef / d, eta0 * dRef / d, 1 / d, 1, -2);
    case "kaimingPlus":
      return make(dRef / d, eta0 * d / dRef, eta0 * d / dRef, 1 / d, 1, 0);
    case "xavier":
      return make(d / dRef, eta0 * (dRef / d) ** 2, eta0 * (dRef / d) ** 2, xv, xv, -2);
    case "xavierPlus":
      return make(1, eta0, eta0, xv, xv, 0);
    case "muP":
      return make(1, eta0 * dRef / d, eta0 * d / dRef, 1 / (d * d), 1, 0);
    default:
      throw new RangeError(`Expected a parametrisation name but found "${name}"`);
  }
}
