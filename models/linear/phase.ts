/** Phase-diagram data of SPEC 4.1-4.4 as plain records (one record per CSV row). */
import { createRng } from "../rng.ts";
import { fitLogLog } from "./fit.ts";
import { expectedGram, sampleInit } from "./init.ts";
import { convergedState } from "./invariants.ts";
import { dimensionless } from "./measures.ts";
import {
  parametrisation,
  PARAMETRISATION_NAMES,
  type ParametrisationName,
  type ParametrisationOptions,
} from "./parametrisations.ts";
import {
  type InitialState,
  type LinearProblem,
  prepareInit,
  prepareInitFromGram,
} from "./problem.ts";

/** ζ(∞) of one parametrisation at one width. */
export interface WidthRecord {
  name: ParametrisationName;
  d: number;
  /** "expected": Gram of SPEC 2.8 with the given ξ; "random": a seeded Gaussian draw. */
  variant: "expected" | "random";
  seed: number | null;
  zetaSigned: number;
  zeta: number;
  rhoA: number;
  rho0: number;
  k0: number;
  kInf: number;
}

function widthRecord(
  name: ParametrisationName,
  d: number,
  problem: LinearProblem,
  init: InitialState,
  variant: "expected" | "random",
  seed: number | null,
): WidthRecord {
  const cs = convergedState(problem, init);
  const dl = dimensionless(init, problem.a);
  return {
    name,
    d,
    variant,
    seed,
    zetaSigned: cs.zetaSignedInf,
    zeta: Math.abs(cs.zetaSignedInf),
    rhoA: dl.rhoA,
    rho0: dl.rho0,
    k0: init.k0,
    kInf: cs.kInf,
  };
}

/**
 * ζ(∞) versus width for the named parametrisations: the deterministic expected-statistics
 * init (ξ, default 0) and, for each seed, a random init drawn with createRng(seed·1e6 + d)
 * (u0 first, then w0).
 */
export function zetaVsWidth(opts: {
  widths: readonly number[];
  names?: readonly ParametrisationName[];
  xi?: number;
  seeds?: readonly number[];
  parametrisation?: ParametrisationOptions;
}): WidthRecord[] {
  const out: WidthRecord[] = [];
  for (const name of opts.names ?? PARAMETRISATION_NAMES) {
    for (const d of opts.widths) {
      const p = parametrisation(name, d, opts.parametrisation);
      const gram = expectedGram(d, p.sigmaU, p.sigmaW, opts.xi ?? 0);
      out.push(
        widthRecord(name, d, p.problem, prepareInitFromGram(p.problem, gram, d), "expected", null),
      );
      for (const seed of opts.seeds ?? []) {
        const { u0, w0 } = sampleInit(createRng(seed * 1_000_000 + d), d, p.sigmaU, p.sigmaW);
        out.push(widthRecord(name, d, p.problem, prepareInit(p.problem, u0, w0), "random", seed));
      }
    }
  }
  return out;
}

/** Fitted log-log slope of ζ(∞) against d per parametrisation and variant. */
export interface SlopeRecord {
  name: ParametrisationName;
  variant: "expected" | "random";
  slope: number;
  expectedSlope: number;
  r2: number;
}

/**
 * Fits slopes over the records with dMin ≤ d ≤ dMax; the random variant is fitted on the
 * mean of ζ over seeds at each width. Widths where the mean ζ is 0 are skipped.
 */
export function fitWidthSlopes(
  records: readonly WidthRecord[],
  dMin = 100,
  dMax = 1e4,
): SlopeRecord[] {
  const out: SlopeRecord[] = [];
  for (const name of PARAMETRISATION_NAMES) {
    for (const variant of ["expected", "random"] as const) {
      const sel = records.filter((r) =>
        r.name === name && r.variant === variant && r.d >= dMin && r.d <= dMax
      );
      const ds = Array.from(new Set(sel.map((r) => r.d))).sort((x, y) => x - y);
      const xs: number[] = [], ys: number[] = [];
      for (const d of ds) {
        const zs = sel.filter((r) => r.d === d).map((r) => r.zeta);
        const m = zs.reduce((s, z) => s + z, 0) / zs.length;
        if (m > 0) {
          xs.push(d);
          ys.push(m);
        }
      }
      if (xs.length < 2) continue;
      const fit = fitLogLog(xs, ys);
      const expectedSlope = parametrisation(name, ds[0]).expectedSlope;
      out.push({ name, variant, slope: fit.slope, expectedSlope, r2: fit.r2 });
    }
  }
  return out;
}
