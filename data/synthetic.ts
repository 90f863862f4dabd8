/**
 * Seeded synthetic tasks. SPEC 5.1: regression y = tanh(x . v), x ~ N(0, I_D), v ~ N(0, I_D / D),
 * n = 1000, D = 10 (v is drawn first from the seeded stream, then x). SPEC 5.2: the same inputs
 * with 10 balanced classes, the deciles of x . v (label bins; an argmax of a random linear map
 * was rejected because a fixed random map gives classes of very unequal size). SPEC 1.3:
 * one-dimensional data of the solvable model with exact moments.
 */
import { createRng } from "./_rng.ts";
import type { Tensor } from "./tensor.ts";

/** Options of the synthetic input tasks. */
export interface SyntheticOptions {
  n?: number;
  dim?: number;
  seed: number;
}

function gaussian(count: number, scale: number, rng: ReturnType<typeof createRng>): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = scale * rng.normal();
  return out;
}

/**
 * SPEC 5.1 regression: inputs `[n, D]`, targets `[n]`, and the hidden direction v.
 *
 * @example
 * ```ts
 * import { regressionTask } from "./mod.ts";
 *
 * const { x, y } = regressionTask({ n: 1000, dim: 10, seed: 0 });
 * console.log(x.shape, y.length); // [1000, 10] 1000
 * ```
 */
export function regressionTask(
  opts: SyntheticOptions,
): { x: Tensor; y: Float32Array; v: Float64Array } {
  const { n = 1000, dim = 10, seed } = opts;
  const rng = createRng(seed);
  const v = gaussian(dim, 1 / Math.sqrt(dim), rng);
  const x = gaussian(n * dim, 1, rng);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += x[i * dim + j] * v[j];
    y[i] = Math.tanh(dot);
  }
  return { x: { shape: [n, dim], data: Float32Array.from(x) }, y, v };
}

/**
 * SPEC 5.2 classification on the same inputs as {@link regressionTask} with the same seed: the
 * label is the bin of the score x . v among `classes` equal-count bins of the sample (deciles for
 * 10 classes), so the classes are balanced (exactly, when n is a multiple of `classes`).
 * `thresholds` are the bin edges (midpoints between neighbouring sorted scores); label new inputs
 * with the number of thresholds below their score.
 */
export function classificationTask(
  opts: SyntheticOptions & { classes?: number },
): { x: Tensor; labels: Uint8Array; v: Float64Array; thresholds: Float64Array } {
  const { classes = 10 } = opts;
  if (!Number.isInteger(classes) || classes < 2 || classes > 256) {
    throw new RangeError(`Expected 2 to 256 classes but found ${classes}`);
  }
  const { x, v } = regressionTask(opts);
  const [n, dim] = x.shape;
  if (n < classes) {
    // each bin edge lies between two sorted scores: fewer samples than classes leave none
    throw new RangeError(
      `Expected at least as many samples as classes (${classes}) but found n = ${n}`,
    );
  }
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) score[i] += x.data[i * dim + j] * v[j];
  }
  const sorted = score.slice().sort();
  const thresholds = new Float64Array(classes - 1);
  for (let k = 1; k < classes; k++) {
    const at = Math.floor((k * n) / classes);
    thresholds[k - 1] = (sorted[at - 1] + sorted[at]) / 2;
  }
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) labels[i] = thresholds.filter((t) => t < score[i]).length;
  return { x, labels, v, thresholds };
}

/**
 * Scalar data of the solvable model with exactly mean(x^2) = m2 and mean(x y) / mean(x^2) = a:
 * x ~ N(0, 1) rescaled to the exact second moment, y = a x + noise * e with e Gaussian and made
 * exactly orthogonal to x (so the noise does not move the least-squares slope). Float64.
 *
 * @example
 * ```ts
 * import { solvableData } from "./mod.ts";
 *
 * const { x, y } = solvableData({ n: 100, m2: 1, a: 1, seed: 0 });
 * console.log(x.length, y[0] / x[0]); // 100 1
 * ```
 */
export function solvableData(
  opts: { n?: number; m2?: number; a?: number; noise?: number; seed: number },
): { x: Float64Array; y: Float64Array } {
  const { n = 1000, m2 = 1, a = 1, noise = 0, seed } = opts;
  if (n < 1 || !(m2 > 0)) throw new RangeError(`Expected n >= 1 and m2 > 0 but found ${n}, ${m2}`);
  const rng = createRng(seed);
  const x = gaussian(n, 1, rng);
  const e = gaussian(n, 1, rng);
  const sq = x.reduce((s, v) => s + v * v, 0);
  const scale = Math.sqrt((m2 * n) / sq);
  for (let i = 0; i < n; i++) x[i] *= scale;
  const proj = x.reduce((s, v, i) => s + v * e[i], 0) / (m2 * n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = a * x[i] + noise * (e[i] - proj * x[i]);
  return { x, y };
}
