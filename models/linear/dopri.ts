/**
 * Dormand-Prince 5(4) integrator with embedded error control (Hairer, Nørsett and Wanner,
 * "Solving ODEs I", section II.4 and II.5): FSAL, local extrapolation (the 5th-order solution
 * is propagated), the mixed error norm sqrt(mean((err_i / (atol + rtol·max|y_i|))²)) and the
 * standard step-size controller h·min(5, max(0.2, 0.9·err^{-1/5})).
 */

/** Right-hand side: writes dy/dt at (t, y) into `out`. */
export type OdeRhs = (t: number, y: Float64Array, out: Float64Array) => void;

/** Tolerances and limits of {@link integrateDopri}. */
export interface DopriOptions {
  /** Relative tolerance (default 1e-10; values down to 1e-13 are sensible in float64). */
  rtol?: number;
  /** Absolute tolerance, a scalar for all components (default rtol·1e-6). */
  atol?: number;
  /** Largest step count before giving up (default 1e6). */
  maxSteps?: number;
  /** First trial step (default: Hairer's starting-step heuristic). */
  h0?: number;
}

/** States at the requested times and step statistics. */
export interface DopriResult {
  times: Float64Array;
  /** One state vector per requested time. */
  states: Float64Array[];
  accepted: number;
  rejected: number;
}

const C2 = 1 / 5, C3 = 3 / 10, C4 = 4 / 5, C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40, A32 = 9 / 40;
const A41 = 44 / 45, A42 = -56 / 15, A43 = 32 / 9;
const A51 = 19372 / 6561, A52 = -25360 / 2187, A53 = 64448 / 6561, A54 = -212 / 729;
const A61 = 9017 / 3168, A62 = -355 / 33, A63 = 46732 / 5247, A64 = 49 / 176;
const A65 = -5103 / 18656;
const B1 = 35 / 384, B3 = 500 / 1113, B4 = 125 / 192, B5 = -2187 / 6784, B6 = 11 / 84;
// Differences between the 5th- and 4th-order weights (error estimator).
const E1 = 71 / 57600, E3 = -71 / 16695, E4 = 71 / 1920, E5 = -17253 / 339200;
const E6 = 22 / 525, E7 = -1 / 40;

/**
 * Integrates dy/dt = f(t, y) from times[0] and returns y at each requested time
 * (nondecreasing, finite). The steps end exactly on every requested time.
 */
export function integrateDopri(
  f: OdeRhs,
  y0: Float64Array,
  times: ArrayLike<number>,
  options: DopriOptions = {},
): DopriResult {
  const rtol = options.rtol ?? 1e-10;
  const atol = options.atol ?? rtol * 1e-6;
  const maxSteps = options.maxSteps ?? 1_000_000;
  const n = y0.length;
  const ts = Float64Array.from(times);
  for (let i = 0; i < ts.length; i++) {
    if (!Number.isFinite(ts[i]) || (i > 0 && ts[i] < ts[i - 1])) {
      throw new RangeError(`Expected finite nondecreasing times but found ${ts[i]} at ${i}`);
    }
  }
  const y = Float64Array.from(y0);
  const k1 = new Float64Array(n), k2 = new Float64Array(n), k3 = new Float64Array(n);
  const k4 = new Float64Array(n), k5 = new Float64Array(n), k6 = new Float64Array(n);
  const k7 = new Float64Array(n), tmp = new Float64Array(n), y5 = new Float64Array(n);
  const states: Float64Array[] = [];
  let t = ts.length > 0 ? ts[0] : 0;
  f(t, y, k1);
  let h = options.h0 ?? initialStep(f, t, y, k1, rtol, atol);
  let accepted = 0, rejected = 0;
  for (let target = 0; target < ts.length; target++) {
    const tEnd = ts[target];
    while (t < tEnd) {
      if (accepted + rejected >= maxSteps) {
        throw new RangeError(`Expected at most ${maxSteps} steps but found more before t=${tEnd}`);
      }
      const last = t + h >= tEnd;
      const hs = last ? tEnd - t : h;
      for (let i = 0; i < n; i++) tmp[i] = y[i] + hs * A21 * k1[i];
      f(t + C2 * hs, tmp, k2);
      for (let i = 0; i < n; i++) tmp[i] = y[i] + hs * (A31 * k1[i] + A32 * k2[i]);
      f(t + C3 * hs, tmp, k3);
      for (let i = 0; i < n; i++) {
        tmp[i] = y[i] + hs * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
      }
      f(t + C4 * hs, tmp, k4);
      for (let i = 0; i < n; i++) {
        tmp[i] = y[i] + hs * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
      }
      f(t + C5 * hs, tmp, k5);
      for (let i = 0; i < n; i++) {
        tmp[i] = y[i] +
          hs * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
      }
      f(t + hs, tmp, k6);
      for (let i = 0; i < n; i++) {
        y5[i] = y[i] + hs * (B1 * k1[i] + B3 * k3[i] + B4 * k4[i] + B5 * k5[i] + B6 * k6[i]);
      }
      f(t + hs, y5, k7);
      let err = 0;
      for (let i = 0; i < n; i++) {
        const e = hs *
          (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
        const sc = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(y5[i]));
        err += (e / sc) ** 2;
      }
      err = Math.sqrt(err / Math.max(n, 1));
      if (!Number.isFinite(err)) {
        rejected++;
        h = hs * 0.2;
        continue;
      }
      const fac = Math.min(5, Math.max(0.2, 0.9 * Math.pow(Math.max(err, 1e-300), -0.2)));
      if (err <= 1) {
        accepted++;
        t = last ? tEnd : t + hs;
        y.set(y5);
        k1.set(k7);
        // A clipped final step says nothing about the step size that would have worked.
        h = last ? Math.max(h, hs * fac) : hs * fac;
      } else {
        rejected++;
        h = hs * Math.min(1, fac);
      }
    }
    states.push(Float64Array.from(y));
  }
  return { times: ts, states, accepted, rejected };
}

function initialStep(
  f: OdeRhs,
  t: number,
  y: Float64Array,
  f0: Float64Array,
  rtol: number,
  atol: number,
): number {
  const n = y.length;
  let d0 = 0, d1 = 0;
  for (let i = 0; i < n; i++) {
    const sc = atol + rtol * Math.abs(y[i]);
    d0 += (y[i] / sc) ** 2;
    d1 += (f0[i] / sc) ** 2;
  }
  d0 = Math.sqrt(d0 / n);
  d1 = Math.sqrt(d1 / n);
  let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
  if (!Number.isFinite(h0) || h0 <= 0) h0 = 1e-6;
  const y1 = new Float64Array(n), f1 = new Float64Array(n);
  for (let i = 0; i < n; i++) y1[i] = y[i] + h0 * f0[i];
  f(t + h0, y1, f1);
  let d2 = 0;
  for (let i = 0; i < n; i++) {
    d2 += ((f1[i] - f0[i]) / (atol + rtol * Math.abs(y[i]))) ** 2;
  }
  d2 = Math.sqrt(d2 / n) / h0;
  const h1 = Math.max(d1, d2) <= 1e-15
    ? Math.max(1e-6, h0 * 1e-3)
    : Math.pow(0.01 / Math.max(d1, d2), 0.2);
  return Math.min(100 * h0, h1);
}
