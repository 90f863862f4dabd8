/**
 * What the report reads from each input stage's summary JSON. A stage that writes these shapes
 * plugs into the claim table by becoming an input of `report` (stages/mod.ts); its figures
 * (`figures/<name>.vl.json` with a title, plus .png) appear without any change here.
 * Accuracies are fractions in [0, 1].
 */

/** The parts of theory-vs-gd's summary.json the report reads. */
export interface TheorySummary {
  kappa: number;
  steps: number;
  cases: {
    case: string;
    etaU: number;
    etaW: number;
    k0: number;
    kInf: number;
    mechanism: string;
    zetaSignedInfTheory: number;
    zetaSignedGdFinal: number;
    cosTheta0: number;
    cosThetaInf: number;
    maxAbsErrOverA: number;
    finalGapOverA: number;
    divergedAt: number | null;
  }[];
  /** The GD error at SPEC 6.1's largest step (absent in summaries written before it was run). */
  limit?: {
    kappa: number;
    cases: { case: string; maxAbsErrOverA: number; divergedAt: number | null }[];
  };
}

/** summary.json of `figure1` and `appendix-c`: final ζ per parametrisation, width and seed. */
export interface ZetaRunsSummary {
  runs: {
    parametrisation: string;
    regime: "kernel" | "feature";
    d: number;
    seed?: number;
    /** null where the run diverged */
    zetaFinal: number | null;
    diverged?: boolean;
  }[];
}

/**
 * summary.json of `figure3` and `cifar-fcn`: accuracies per init scale σ and seed. A run with
 * `diverged` is left out of the means (its accuracies, if any, are from before it diverged).
 */
export interface InitScaleSummary {
  runs: {
    model: string;
    sigma: number;
    bestTrainAcc: number | null;
    bestTestAcc: number | null;
    diverged?: boolean;
    /** Pairs runs across σ for the claims' per-seed differences (absent: not paired). */
    seed?: number;
  }[];
}

/** One fitted slope of zeta-vs-width's slopes.json. */
export interface Slope {
  name: string;
  variant: string;
  slope: number;
  expectedSlope: number;
  r2: number;
}

/** slopes.json of `zeta-vs-width`. */
export interface SlopesSummary {
  widths: number[];
  slopes: Slope[];
}

/** summary.json of `phase-diagram`. */
export interface PhaseSummary {
  exponentMaxAbsError: number;
  betaAtMaxZeta: number;
  betaStar: number;
}
