/**
 * The showcase initialisations of SPEC 5.6 and the comparison of the closed form with gradient
 * descent on them. Learning rates are scaled (β kept) so that the largest function-space step
 * m2·max(K0, K∞) equals `kappa`; GD step k then sits at flow time t = k (SPEC 1.4, 2.9).
 */
import { gradientDescent, ratesForStep } from "../models/linear/gd.ts";
import { sampleInit, vectorsFromGram } from "../models/linear/init.ts";
import { convergedState } from "../models/linear/invariants.ts";
import { classifyMechanism } from "../models/linear/mechanism.ts";
import { type LinearProblem, prepareInit } from "../models/linear/problem.ts";
import { closedForm } from "../models/linear/trajectory.ts";
import { createRng } from "../models/rng.ts";

/** One showcase case, as it appears in the stage's params (JSON). */
export interface CaseSpec {
  name: string;
  d: number;
  /** "random": u0 ~ N(0, sigmaU²), w0 ~ N(0, sigmaW²) with `seed`; "gram": exact |u0|², |w0|², cos θ0. */
  init: "random" | "gram";
  gamma: number;
  a: number;
  m2: number;
  beta: number;
  sigmaU: number;
  sigmaW: number;
  seed: number;
  uu: number;
  ww: number;
  cos0: number;
}

/** The five cases of SPEC 5.6 and issue 5. */
export const SHOWCASE: CaseSpec[] = [
  // small init: alignment, then rescaling; the NTK grows
  {
    name: "small init (alignment)",
    d: 100,
    init: "random",
    gamma: 1,
    a: 1,
    m2: 1,
    beta: 1,
    sigmaU: 1e-3,
    sigmaW: 1e-3,
    seed: 0,
    uu: 0,
    ww: 0,
    cos0: 0,
  },
  // |u0| = |w0|, cos θ0 = 0.9, g0 = 5a: directions rotate apart while the output shrinks
  {
    name: "aligned large output (disalignment)",
    d: 100,
    init: "gram",
    gamma: 1,
    a: 1,
    m2: 1,
    beta: 1,
    sigmaU: 0,
    sigmaW: 0,
    seed: 0,
    uu: 5 / 0.9,
    ww: 5 / 0.9,
    cos0: 0.9,
  },
  // scalars are always aligned: pure rescaling
  {
    name: "width 1 (rescaling)",
    d: 1,
    init: "gram",
    gamma: 1,
    a: 1,
    m2: 1,
    beta: 1,
    sigmaU: 0,
    sigmaW: 0,
    seed: 0,
    uu: 0.04,
    ww: 2.25,
    cos0: 1,
  },
  // NTK parametrisation γ = d^{-1/2}, N(0, 1) weights: close to the kernel regime, closer at larger d
  {
    name: "random init, d = 100",
    d: 100,
    init: "random",
    gamma: 0.1,
    a: 1,
    m2: 1,
    beta: 1,
    sigmaU: 1,
    sigmaW: 1,
    seed: 0,
    uu: 0,
    ww: 0,
    cos0: 0,
  },
  {
    name: "random init, d = 10000",
    d: 10000,
    init: "random",
    gamma: 0.01,
    a: 1,
    m2: 1,
    beta: 1,
    sigmaU: 1,
    sigmaW: 1,
    seed: 0,
    uu: 0,
    ww: 0,
    cos0: 0,
  },
];

/** Initial vectors of a case. */
export function caseVectors(c: CaseSpec): { u0: Float64Array; w0: Float64Array } {
  if (c.init === "random") return sampleInit(createRng(c.seed), c.d, c.sigmaU, c.sigmaW);
  const uw = c.cos0 * Math.sqrt(c.uu * c.ww);
  return vectorsFromGram({ uu: c.uu, ww: c.ww, uw }, c.d);
}

/** One CSV row of theory_vs_gd.csv. */
export type Row = Record<string, string | number>;

/** Gradient descent observables at the recorded steps (the ONNX trainer's, or models/linear's). */
export interface GdObservables {
  /** The step of each value below. */
  steps: ArrayLike<number>;
  g: ArrayLike<number>;
  k: ArrayLike<number>;
  cosTheta: ArrayLike<number>;
  normU: ArrayLike<number>;
  normW: ArrayLike<number>;
  divergedAt: number | null;
}

/** A GD implementation: problem, initial vectors, steps, recording interval. */
export type GdRunner = (
  problem: LinearProblem,
  u0: Float64Array,
  w0: Float64Array,
  steps: number,
  every: number,
) => Promise<GdObservables>;

/**
 * Rows (one per `every` steps) and a summary for one case. `gd` runs gradient descent (the stage
 * passes the ONNX trainer) and is asked for every step, so that the largest error against the
 * closed form is taken over all steps, not over the rows only; models/linear's plain loop runs
 * too, as a cross-check at the rows' steps.
 */
export async function compareCase(
  c: CaseSpec,
  steps: number,
  every: number,
  kappa: number,
  gd: GdRunner,
) {
  const { u0, w0 } = caseVectors(c);
  const base: LinearProblem = { gamma: c.gamma, etaU: 1, etaW: c.beta, m2: c.m2, a: c.a };
  const init0 = prepareInit(base, u0, w0);
  const problem = ratesForStep(base, init0.k0, convergedState(base, init0).kInf, kappa);
  const init = prepareInit(problem, u0, w0);
  const times = Array.from({ length: Math.floor(steps / every) + 1 }, (_, i) => i * every);
  const th = closedForm(problem, init, times);
  const plain = gradientDescent(problem, u0, w0, times);
  const all = await gd(problem, u0, w0, steps, 1);
  // the error at every step GD reached (a diverged run stops early)
  const reached = Array.from({ length: Math.min(all.g.length, steps + 1) }, (_, t) => t);
  const off = reached.find((t) => all.steps[t] !== t);
  if (off !== undefined) {
    throw new Error(
      `Expected GD values at steps 0, 1, 2, ... but found step ${all.steps[off]} at ${off}`,
    );
  }
  const thAll = closedForm(problem, init, reached);
  let maxErr = 0;
  for (const t of reached) {
    maxErr = Math.max(maxErr, Math.abs(all.g[t] - thAll.g[t]) / Math.abs(c.a));
  }
  const pick = (xs: ArrayLike<number>) => times.map((t) => xs[t]);
  const gdRes = {
    g: pick(all.g),
    k: pick(all.k),
    cosTheta: pick(all.cosTheta),
    normU: pick(all.normU),
    normW: pick(all.normW),
    divergedAt: all.divergedAt,
  };
  let crossCheck = 0;
  for (let i = 0; i < times.length; i++) {
    crossCheck = Math.max(crossCheck, Math.abs(gdRes.g[i] - plain.g[i]));
  }
  const rows: Row[] = times.map((t, i) => ({
    case: c.name,
    step: t,
    t,
    a: c.a,
    m2: c.m2,
    gamma_tilde: init.gammaTilde,
    A: Math.sqrt(init.a2),
    B: Math.sqrt(init.b2),
    g_theory: th.g[i],
    g_gd: gdRes.g[i],
    K_theory: th.k[i],
    K_gd: gdRes.k[i],
    cos_theory: th.cosTheta[i],
    cos_gd: gdRes.cosTheta[i],
    K_over_K0_theory: th.k[i] / init.k0,
    K_over_K0_gd: gdRes.k[i] / init.k0,
    u_norm_theory: th.normU[i],
    u_norm_gd: gdRes.normU[i],
    w_norm_theory: th.normW[i],
    w_norm_gd: gdRes.normW[i],
  }));
  const cs = convergedState(problem, init);
  const last = times.length - 1;
  const summary = {
    case: c.name,
    etaU: problem.etaU,
    etaW: problem.etaW,
    k0: init.k0,
    kInf: cs.kInf,
    g0: init.g0,
    status: cs.status,
    mechanism: classifyMechanism(problem, init).label,
    zetaSignedInfTheory: cs.zetaSignedInf,
    zetaSignedGdFinal: gdRes.k[last] / init.k0 - 1,
    cosTheta0: th.cosTheta[0],
    cosThetaInf: cs.cosThetaInf,
    maxAbsErrOverA: maxErr,
    onnxVsPlainGdMaxAbsDiff: crossCheck,
    finalGapOverA: Math.abs(gdRes.g[last] - c.a) / Math.abs(c.a),
    divergedAt: gdRes.divergedAt,
  };
  return { rows, summary };
}
