/**
 * Independent numerical paths for verification: the reduced one-dimensional ODE (SPEC 2.4)
 * and the full 2d-dimensional parameter gradient flow (SPEC 1.4), both integrated by
 * {@link integrateDopri}.
 */
import { type DopriOptions, integrateDopri } from "./dopri.ts";
import type { InitialState, LinearProblem } from "./problem.ts";
import { validateProblem } from "./problem.ts";

/** g(t) and K(t) from the reduced ODE. */
export interface ReducedOdeResult {
  times: Float64Array;
  g: Float64Array;
  k: Float64Array;
  accepted: number;
}

function withZero(times: ArrayLike<number>): number[] {
  const ts = Array.from(times);
  if (ts.length > 0 && ts[0] < 0) throw new RangeError(`Expected times >= 0 but found ${ts[0]}`);
  return [0, ...ts];
}

/**
 * Integrates dg/dt = −m2 (g − a) √(K_c² + 4γ̃²g²), g(0) = g0, with K_c = γ̃²AB, and returns
 * g and K = √(K_c² + 4γ̃²g²) at the requested finite times (default rtol 1e-12, atol 1e-300).
 */
export function reducedOde(
  problem: LinearProblem,
  init: InitialState,
  times: ArrayLike<number>,
  options: DopriOptions = {},
): ReducedOdeResult {
  validateProblem(problem);
  const { m2, a } = problem;
  const gt = init.gammaTilde;
  const h = gt * Math.sqrt(init.a2) * Math.sqrt(init.b2) / 2; // K_c/(2γ̃)
  const rtol = options.rtol ?? 1e-12;
  // Pure relative control by default: near the saddle g is tiny, and any absolute floor
  // would shift the exit time from the plateau (the flow is exponentially sensitive there).
  const atol = options.atol ?? 1e-300;
  const rhs = (_t: number, y: Float64Array, out: Float64Array) => {
    out[0] = -m2 * (y[0] - a) * 2 * gt * Math.hypot(h, y[0]);
  };
  const res = integrateDopri(rhs, Float64Array.of(init.g0), withZero(times), {
    ...options,
    rtol,
    atol,
  });
  const n = res.states.length - 1;
  const g = new Float64Array(n);
  const k = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    g[i] = res.states[i + 1][0];
    k[i] = 2 * gt * Math.hypot(h, g[i]);
  }
  return { times: res.times.slice(1), g, k, accepted: res.accepted };
}

/** Observables of a weight pair, computed directly from the vectors. */
export interface WeightObservables {
  g: number;
  k: number;
  normU: number;
  normW: number;
  cosTheta: number;
}

/** g = γ u·w, K = γ²(η_u|w|² + η_w|u|²), |u|, |w| and cos θ of one weight pair. */
export function observe(
  problem: LinearProblem,
  u: Float64Array,
  w: Float64Array,
): WeightObservables {
  let uu = 0, ww = 0, uw = 0;
  for (let i = 0; i < u.length; i++) {
    uu += u[i] * u[i];
    ww += w[i] * w[i];
    uw += u[i] * w[i];
  }
  const { gamma, etaU, etaW } = problem;
  const nu = Math.sqrt(uu), nw = Math.sqrt(ww);
  return {
    g: gamma * uw,
    k: gamma * gamma * (etaU * ww + etaW * uu),
    normU: nu,
    normW: nw,
    cosTheta: nu > 0 && nw > 0 ? uw / (nu * nw) : 0,
  };
}

/** Weights and observables of the integrated parameter flow at the requested times. */
export interface ParameterFlowResult {
  times: Float64Array;
  u: Float64Array[];
  w: Float64Array[];
  observables: WeightObservables[];
  accepted: number;
}

/**
 * Integrates du/dt = −η_u γ m2 (g − a) w, dw/dt = −η_w γ m2 (g − a) u (2d unknowns).
 * Default rtol 1e-12; default atol 1e-3·rtol times the root-mean-square initial weight.
 */
export function parameterFlow(
  problem: LinearProblem,
  u0: Float64Array,
  w0: Float64Array,
  times: ArrayLike<number>,
  options: DopriOptions = {},
): ParameterFlowResult {
  validateProblem(problem);
  const d = u0.length;
  if (w0.length !== d) {
    throw new RangeError(`Expected w0 of length ${d} but found ${w0.length}`);
  }
  const { gamma, etaU, etaW, m2, a } = problem;
  const y0 = new Float64Array(2 * d);
  y0.set(u0, 0);
  y0.set(w0, d);
  let ms = 0;
  for (let i = 0; i < 2 * d; i++) ms += y0[i] * y0[i];
  const rtol = options.rtol ?? 1e-12;
  const atol = options.atol ?? rtol * 1e-3 * Math.max(Math.sqrt(ms / (2 * d)), 1e-300);
  const rhs = (_t: number, y: Float64Array, out: Float64Array) => {
    let uw = 0;
    for (let i = 0; i < d; i++) uw += y[i] * y[d + i];
    const r = gamma * m2 * (gamma * uw - a);
    for (let i = 0; i < d; i++) {
      out[i] = -etaU * r * y[d + i];
      out[d + i] = -etaW * r * y[i];
    }
  };
  const res = integrateDopri(rhs, y0, withZero(times), { ...options, rtol, atol });
  const u: Float64Array[] = [];
  const w: Float64Array[] = [];
  const observables: WeightObservables[] = [];
  for (let i = 1; i < res.states.length; i++) {
    const s = res.states[i];
    u.push(s.slice(0, d));
    w.push(s.slice(d));
    observables.push(observe(problem, u[i - 1], w[i - 1]));
  }
  return { times: res.times.slice(1), u, w, observables, accepted: res.accepted };
}
