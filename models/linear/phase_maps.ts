/** Finite-width (ρ_a, ρ_0) map, infinite-width exponent map and the β sweep (SPEC 4.1-4.3). */
import { fitLogLog } from "./fit.ts";
import { expectedGram } from "./init.ts";
import { convergedState } from "./invariants.ts";
import { dimensionless, zetaSignedFromRho } from "./measures.ts";
import { classifyMechanism, type MechanismThresholds } from "./mechanism.ts";
import { type InitGram, type LinearProblem, prepareInitFromGram } from "./problem.ts";

/** One cell of the finite-width phase map. */
export interface PhaseCell {
  log10RhoA: number;
  rhoA: number;
  rho0: number;
  /** ζ_s(∞) = √(1 + ρ_a² − ρ_0²) − 1 from the formula. */
  zetaSigned: number;
  /** ζ_s(∞) from the closed form of a concrete realisation (equal up to rounding). */
  zetaSignedClosedForm: number;
  zeta: number;
  /** Mechanism label of the realisation (see mechanism.ts). */
  label: string;
}

/**
 * Realisation used for a cell (documented choice): γ = η_u = η_w = m2 = a = 1, balanced
 * layers |ũ0| = |w̃0| (b = 1, so ρ_0 = |cos θ0|), g0 of the sign of a, and
 * K0 = 2γ̃|a|/ρ_a. ρ_0 must lie in [0, 1].
 */
export function realiseDimensionless(
  rhoA: number,
  rho0: number,
): { problem: LinearProblem; gram: InitGram } {
  if (!(rhoA > 0) || !(rho0 >= 0 && rho0 <= 1)) {
    throw new RangeError(`Expected rhoA > 0 and 0 <= rho0 <= 1 but found ${rhoA} and ${rho0}`);
  }
  const problem = { gamma: 1, etaU: 1, etaW: 1, m2: 1, a: 1 };
  const p = 1 / rhoA; // K0 = 2p = 2/ρ_a
  return { problem, gram: { uu: p, ww: p, uw: rho0 * p } };
}

/** ζ_s(∞) over a grid of log10 ρ_a × ρ_0 (SPEC 4.1). */
export function phaseGrid(
  log10RhoA: readonly number[],
  rho0s: readonly number[],
  thresholds: MechanismThresholds = {},
): PhaseCell[] {
  const out: PhaseCell[] = [];
  for (const lr of log10RhoA) {
    for (const rho0 of rho0s) {
      const rhoA = 10 ** lr;
      const { problem, gram } = realiseDimensionless(rhoA, rho0);
      const init = prepareInitFromGram(problem, gram, 2);
      const zs = zetaSignedFromRho(rhoA, rho0);
      out.push({
        log10RhoA: lr,
        rhoA,
        rho0,
        zetaSigned: zs,
        zetaSignedClosedForm: convergedState(problem, init).zetaSignedInf,
        zeta: Math.abs(zs),
        label: classifyMechanism(problem, init, thresholds).label,
      });
    }
  }
  return out;
}

/** One point of the infinite-width exponent map. */
export interface ExponentCell {
  q: number;
  b: number;
  /** Learning-rate exponent fixed by trainability: c = 2q + b − 1 (K0 = Θ(1)). */
  c: number;
  /** Feature-learning exponent e = q − 1 + b (ρ_a ∝ d^e). */
  e: number;
  /** Predicted exponent of ζ(∞): 2e (e < 0), 0 (e = 0), e (e > 0). */
  zetaExponent: number;
  /** Exponent of the initial output, 1/2 − q − b. */
  g0Exponent: number;
  phase: "kernel" | "feature" | "rich";
  /** Slope of log ζ(∞) against log d measured on the exact solution over `widths`. */
  measuredExponent: number;
}

/**
 * e = q − 1 + min(b_w + r/2, b_u − r/2) with r = c_w − c_u, and the K0 exponent
 * 1 − 2q + max(c_u − b_w, c_w − b_u) (SPEC 4.3).
 */
export function scalingExponents(
  x: { q: number; bu: number; bw: number; cu: number; cw: number },
): {
  e: number;
  k0Exponent: number;
  g0Exponent: number;
} {
  const r = x.cw - x.cu;
  return {
    e: x.q - 1 + Math.min(x.bw + r / 2, x.bu - r / 2),
    k0Exponent: 1 - 2 * x.q + Math.max(x.cu - x.bw, x.cw - x.bu),
    g0Exponent: 0.5 - x.q - (x.bu + x.bw) / 2,
  };
}

/**
 * Balanced (b_u = b_w = b, r = 0) exponent map: γ = d^{−q}, σ² = d^{−b}, η = d^{2q+b−1},
 * a = m2 = 1, expected-statistics init with ξ = 0; measured over widths (default 1e4..1e6).
 */
export function exponentMap(
  qs: readonly number[],
  bs: readonly number[],
  widths: readonly number[] = [1e4, 1e5, 1e6],
): ExponentCell[] {
  const out: ExponentCell[] = [];
  for (const q of qs) {
    for (const b of bs) {
      const c = 2 * q + b - 1;
      const { e, g0Exponent } = scalingExponents({ q, bu: b, bw: b, cu: c, cw: c });
      const zetas = widths.map((d) => {
        const eta = d ** c;
        const problem = { gamma: d ** -q, etaU: eta, etaW: eta, m2: 1, a: 1 };
        const sigma = Math.sqrt(d ** -b);
        const init = prepareInitFromGram(problem, expectedGram(d, sigma, sigma, 0), d);
        return Math.abs(convergedState(problem, init).zetaSignedInf);
      });
      const tol = 1e-12;
      out.push({
        q,
        b,
        c,
        e,
        zetaExponent: e < -tol ? 2 * e : e > tol ? e : 0,
        g0Exponent,
        phase: e < -tol ? "kernel" : e > tol ? "rich" : "feature",
        measuredExponent: fitLogLog(widths, zetas).slope,
      });
    }
  }
  return out;
}

/** One point of the β sweep. */
export interface BetaRecord {
  beta: number;
  betaStar: number;
  rhoA: number;
  rho0: number;
  balance: number;
  zetaSigned: number;
  zeta: number;
}

/**
 * ζ(∞) versus β = η_w/η_u at fixed (γ, u0, w0, a, m2) with η_u = etaU (SPEC 4.2);
 * β* = |w0|²/|u0|² maximises ρ_a and the layer balance.
 */
export function zetaVsBeta(
  opts: {
    gamma: number;
    gram: InitGram;
    a: number;
    m2?: number;
    etaU?: number;
    betas: readonly number[];
  },
): BetaRecord[] {
  const etaU = opts.etaU ?? 1;
  const betaStar = opts.gram.ww / opts.gram.uu;
  return opts.betas.map((beta) => {
    const problem = { gamma: opts.gamma, etaU, etaW: beta * etaU, m2: opts.m2 ?? 1, a: opts.a };
    const init = prepareInitFromGram(problem, opts.gram, 2);
    const dl = dimensionless(init, opts.a);
    const zs = convergedState(problem, init).zetaSignedInf;
    return {
      beta,
      betaStar,
      rhoA: dl.rhoA,
      rho0: dl.rho0,
      balance: dl.balance,
      zetaSigned: zs,
      zeta: Math.abs(zs),
    };
  });
}
