/** Dimensionless numbers and feature-learning measures of the solvable model (SPEC 3.1). */
import type { InitialState } from "./problem.ts";

/** ρ_a, ρ_0, layer balance b and |cos θ0| of an initial state. */
export interface Dimensionless {
  /** ρ_a = 2γ̃|a|/K0. */
  rhoA: number;
  /** ρ_0 = 2γ̃|g0|/K0 = b·|cos θ0| ∈ [0, 1]. */
  rho0: number;
  /** b = 2√(η_uη_w)|u0||w0|/(η_u|w0|² + η_w|u0|²) ∈ [0, 1]. */
  balance: number;
  /** |cos θ0|. */
  absCosTheta0: number;
}

/** Computes the dimensionless numbers of SPEC 3.1 (all 0 for a zero initialisation). */
export function dimensionless(init: InitialState, a: number): Dimensionless {
  const gt = init.gammaTilde;
  const sum = init.p + init.q;
  if (!(init.k0 > 0)) return { rhoA: Infinity, rho0: 0, balance: 0, absCosTheta0: 0 };
  const prod = Math.sqrt(init.p) * Math.sqrt(init.q);
  return {
    rhoA: 2 * gt * Math.abs(a) / init.k0,
    rho0: 2 * gt * Math.abs(init.g0) / init.k0,
    balance: 2 * prod / sum,
    absCosTheta0: prod > 0 ? Math.min(1, Math.abs(init.s) / prod) : 0,
  };
}

/**
 * ζ_s(∞) = √(1 + ρ_a² − ρ_0²) − 1, evaluated as (ρ_a² − ρ_0²)/(√(1 + ρ_a² − ρ_0²) + 1) so
 * that small values keep their relative accuracy.
 */
export function zetaSignedFromRho(rhoA: number, rho0: number): number {
  const x = (rhoA - rho0) * (rhoA + rho0);
  return x / (Math.sqrt(1 + x) + 1);
}

/** Signed and unsigned ζ along a trajectory. */
export interface ZetaSeries {
  /** ζ_s(t) = K(t)/K0 − 1. */
  signed: Float64Array;
  /** ζ(t) = |K(t)/K0 − 1|. */
  unsigned: Float64Array;
}

/**
 * ζ_s(t) = K/K0 − 1 computed as 4γ̃²(g − g0)(g + g0)/(K0(K + K0)) (from the invariant
 * K² − 4γ̃²g² = const), which keeps the relative accuracy of small NTK changes.
 */
export function zetaSeries(
  init: InitialState,
  g: ArrayLike<number>,
  k: ArrayLike<number>,
): ZetaSeries {
  const n = g.length;
  const signed = new Float64Array(n);
  const unsigned = new Float64Array(n);
  const gt = init.gammaTilde;
  for (let i = 0; i < n; i++) {
    const v = init.k0 > 0
      ? 4 * gt * gt * (g[i] - init.g0) * (g[i] + init.g0) / (init.k0 * (k[i] + init.k0))
      : 0;
    signed[i] = v;
    unsigned[i] = Math.abs(v);
  }
  return { signed, unsigned };
}
