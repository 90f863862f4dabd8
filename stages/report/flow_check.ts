/**
 * The report's own measurement of SPEC 6 claims 1-3 and the d = 1 identity of claim 9: the closed
 * form against a Dormand-Prince integration of the 2d-dimensional parameter flow, on the showcase
 * cases of `theory-vs-gd` at their unscaled rates (η_u = 1, η_w = β). Pure numerics, no I/O.
 */
import { closedFormFrame, timeToReach } from "../../models/linear/closed_form.ts";
import { parameterFlow } from "../../models/linear/flows.ts";
import {
  convergedState,
  invariantDrift,
  invariants,
  matrixInvariantDrift,
} from "../../models/linear/invariants.ts";
import { type InitialState, type LinearProblem, prepareInit } from "../../models/linear/problem.ts";
import { closedForm } from "../../models/linear/trajectory.ts";
import { type CaseSpec, caseVectors } from "../_theory_cases.ts";

/** What one case measured; errors are absolute in the units of the problem (a, m2 as given). */
export interface FlowCaseCheck {
  case: string;
  d: number;
  /** Times compared (flow time, unscaled rates). */
  times: number;
  /** max |closed form − ODE| over g, K, |u|, |w|, cos θ at the compared times. */
  maxAbsErr: number;
  /** The same error per quantity (maxAbsErr is the largest of them). */
  absErr: Record<Quantity, number>;
  /** The same error relative to max(1, |value|), per quantity at its worst. */
  maxRelErr: number;
  /** Largest relative drift of c, J², K² − 4γ̃²g² and (for d ≤ 1000) Q along the ODE. */
  maxInvariantDrift: number;
  /** Largest relative drift of the d×d invariant Q alone; null for d > 1000 (not computed). */
  qDrift: number | null;
  /** |K∞ formula / K(t_end) − 1| with K(t_end) from the ODE at t_end = last time + 40/rate. */
  kInfRelErr: number;
  /** |g(t_end) − a| / |a| from the ODE. */
  finalGapOverA: number;
  /** d = 1 only: max ||cos θ| − 1| and max |K − √(γ̃⁴c² + 4γ̃²g²)| / K along the ODE. */
  cosDevFromOne: number | null;
  rescalingIdentityRelErr: number | null;
}

/** The observables compared between the closed form and the ODE. */
export const QUANTITIES = ["g", "k", "normU", "normW", "cosTheta"] as const;
export type Quantity = typeof QUANTITIES[number];

/** All cases, with the ODE tolerance used. */
export interface FlowCheck {
  rtol: number;
  cases: FlowCaseCheck[];
}

/** Times spanning the run: fractions of the way from g0 to g∞, then late times. */
function spanningTimes(problem: LinearProblem, init: InitialState): number[] {
  const f = closedFormFrame(problem, init);
  const ts = [0];
  for (const frac of [0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999]) {
    const t = timeToReach(f, init.g0 + frac * (f.gInf - init.g0));
    if (t !== null && t > ts[ts.length - 1]) ts.push(t);
  }
  const last = ts[ts.length - 1];
  const late = f.rate > 0 ? 1 / f.rate : Math.max(last, 1);
  for (const m of [2, 10, 30]) ts.push(last + m * late);
  return ts;
}

/** Run the checks of one case. */
export function checkFlowCase(c: CaseSpec, rtol: number): FlowCaseCheck {
  const { u0, w0 } = caseVectors(c);
  const problem: LinearProblem = { gamma: c.gamma, etaU: 1, etaW: c.beta, m2: c.m2, a: c.a };
  const init = prepareInit(problem, u0, w0);
  const cs = convergedState(problem, init);
  const times = spanningTimes(problem, init);
  const tEnd = times[times.length - 1] + 40 / cs.rate;
  const th = closedForm(problem, init, times);
  const pf = parameterFlow(problem, u0, w0, [...times, tEnd], { rtol });
  const i0 = invariants(problem, u0, w0);
  const gt = init.gammaTilde;
  let rel = 0, drift = 0, cosDev = 0, idErr = 0;
  let qDrift: number | null = c.d <= 1000 ? 0 : null;
  const absErr = Object.fromEntries(QUANTITIES.map((q) => [q, 0])) as Record<Quantity, number>;
  for (let i = 0; i < times.length; i++) {
    const o = pf.observables[i];
    for (const q of QUANTITIES) {
      const x = th[q][i], y = o[q];
      absErr[q] = Math.max(absErr[q], Math.abs(x - y));
      rel = Math.max(rel, Math.abs(x - y) / Math.max(1, Math.abs(x)));
    }
    const inv = invariants(problem, pf.u[i], pf.w[i]);
    const dr = invariantDrift(i0, inv);
    if (qDrift !== null) {
      qDrift = Math.max(qDrift, matrixInvariantDrift(problem, u0, w0, pf.u[i], pf.w[i]));
    }
    drift = Math.max(drift, dr.c, dr.j2, dr.kc2, qDrift ?? 0);
    if (c.d === 1) {
      cosDev = Math.max(cosDev, Math.abs(Math.abs(o.cosTheta) - 1));
      const kRescale = Math.sqrt(gt ** 4 * i0.c ** 2 + 4 * gt * gt * o.g * o.g);
      idErr = Math.max(idErr, Math.abs(o.k - kRescale) / o.k);
    }
  }
  const end = pf.observables[times.length];
  const kFormula = Math.sqrt(init.k0 ** 2 + 4 * gt * gt * (c.a ** 2 - init.g0 ** 2));
  return {
    case: c.name,
    d: c.d,
    times: times.length,
    maxAbsErr: Math.max(...QUANTITIES.map((q) => absErr[q])),
    absErr,
    maxRelErr: rel,
    maxInvariantDrift: drift,
    qDrift,
    kInfRelErr: Math.abs(kFormula / end.k - 1),
    finalGapOverA: Math.abs(end.g - c.a) / Math.abs(c.a),
    cosDevFromOne: c.d === 1 ? cosDev : null,
    rescalingIdentityRelErr: c.d === 1 ? idErr : null,
  };
}

/** Run the checks of every case. */
export function checkFlow(cases: CaseSpec[], rtol = 1e-12): FlowCheck {
  return { rtol, cases: cases.map((c) => checkFlowCase(c, rtol)) };
}
