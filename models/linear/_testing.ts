/** Shared fixtures for the tests of models/linear (not exported from mod.ts). */
import { createRng } from "../rng.ts";
import { closedFormFrame, timeToReach } from "./closed_form.ts";
import { type InitialState, type LinearProblem, prepareInit } from "./problem.ts";

/** A test case: problem, explicit initial weights and the prepared state. */
export interface Case {
  name: string;
  problem: LinearProblem;
  u0: Float64Array;
  w0: Float64Array;
  init: InitialState;
}

/**
 * Gaussian init u, w ~ N(0, σ²) at width d with γ = d^{-1/2}, η_u = 1, η_w = β (SPEC 2.9);
 * "aligned" sets w0 = ±u0 and scales γ so that g0 = `alignedG0`.
 */
export function makeCase(
  d: number,
  sigma: number,
  beta: number,
  a: number,
  seed: number,
  kind: "gaussian" | "aligned" = "gaussian",
  alignedG0 = 5 * a,
): Case {
  const rng = createRng(seed);
  const u0 = rng.fillNormal(new Float64Array(d), sigma);
  const sign = alignedG0 < 0 ? -1 : 1;
  const w0 = kind === "aligned"
    ? u0.map((x) => sign * x)
    : rng.fillNormal(new Float64Array(d), sigma);
  let gamma = 1 / Math.sqrt(d);
  if (kind === "aligned") {
    let uu = 0;
    for (const x of u0) uu += x * x;
    gamma = Math.abs(alignedG0) / uu;
  }
  const problem = { gamma, etaU: 1, etaW: beta, m2: 1, a };
  const name = `${kind} d=${d} sigma=${sigma} beta=${beta} a=${a}`;
  return { name, problem, u0, w0, init: prepareInit(problem, u0, w0) };
}

/** Times spanning the whole run: fractions of the way from g0 to g∞ plus late times. */
export function spanningTimes(problem: LinearProblem, init: InitialState): number[] {
  const f = closedFormFrame(problem, init);
  const ts: number[] = [0];
  for (const frac of [0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999]) {
    const t = timeToReach(f, init.g0 + frac * (f.gInf - init.g0));
    if (t !== null && t > 0) ts.push(t);
  }
  const last = ts[ts.length - 1];
  const late = f.rate > 0 ? 1 / f.rate : Math.max(last, 1);
  for (const m of [2, 10, 30]) ts.push(last + m * late);
  return ts;
}

/** max_i |x_i − y_i|. */
export function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

/** Euclidean norm. */
export function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}
