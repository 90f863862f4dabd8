/** Seeded shuffling, mini-batching and deterministic subsets of labelled data. */
import { createRng, deriveSeed, epochStream } from "./_rng.ts";
import type { LabelledData } from "./tensor.ts";
import { rowSize } from "./tensor.ts";

/** A Fisher-Yates permutation of 0..n-1 drawn from a stream seeded with `seed`. */
export function permutation(n: number, seed: number): Uint32Array {
  const rng = createRng(seed);
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Options of {@link batchIndices}. */
export interface BatchOptions {
  /** Shuffle with this seed; each epoch gets its own permutation. Omit for data order. */
  seed?: number;
  epoch?: number;
  /** Drop a last batch smaller than `batchSize` (default false, as PyTorch's DataLoader). */
  dropLast?: boolean;
}

/** Row indices of each batch of one epoch. *
 * @example
 * ```ts
 * import { batchIndices } from "./mod.ts";
 *
 * for (const rows of batchIndices(50000, 128, { seed: 0, epoch: 3 })) {
 *   console.log(rows.length); // 128, ..., 80
 * }
 * ```
 */
export function batchIndices(n: number, batchSize: number, opts: BatchOptions = {}): Uint32Array[] {
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new RangeError(`Expected a positive integer batch size but found ${batchSize}`);
  }
  const order = opts.seed === undefined
    ? Uint32Array.from({ length: n }, (_, i) => i)
    : permutation(n, deriveSeed(opts.seed, epochStream(opts.epoch ?? 0)));
  const batches: Uint32Array[] = [];
  for (let at = 0; at < n; at += batchSize) {
    const batch = order.subarray(at, Math.min(n, at + batchSize));
    if (batch.length < batchSize && opts.dropLast) break;
    batches.push(batch);
  }
  return batches;
}

/** The rows `indices` of a data set, in that order, as a new data set. */
export function gather(set: LabelledData, indices: ArrayLike<number>): LabelledData {
  const size = rowSize(set.x);
  const n = set.labels.length;
  const data = new Float32Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!(i >= 0 && i < n)) throw new RangeError(`Expected an index in [0, ${n}) but found ${i}`);
    data.set(set.x.data.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = set.labels[i];
  }
  return { x: { shape: [indices.length, ...set.x.shape.slice(1)], data }, labels };
}

/** Indices of the first `perClass` examples of each class 0..numClasses-1, in data order. *
 * @example
 * ```ts
 * import { firstPerClass } from "./mod.ts";
 *
 * console.log(firstPerClass(new Uint8Array([1, 0, 1, 0]), 1, 2)); // Uint32Array [0, 1]
 * ```
 */
export function firstPerClass(labels: Uint8Array, perClass: number, numClasses = 10): Uint32Array {
  const taken = new Array<number>(numClasses).fill(0);
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c < numClasses && taken[c] < perClass) {
      taken[c]++;
      out.push(i);
    }
  }
  const short = taken.findIndex((t) => t < perClass);
  if (short >= 0) {
    throw new RangeError(
      `Expected ${perClass} examples of class ${short} but found ${taken[short]}`,
    );
  }
  return Uint32Array.from(out);
}

/** `count` distinct indices of 0..n-1 drawn with `seed`, returned in increasing order. */
export function seededSample(n: number, count: number, seed: number): Uint32Array {
  if (!Number.isInteger(count) || count < 0 || count > n) {
    throw new RangeError(`Expected a sample size in [0, ${n}] but found ${count}`);
  }
  return permutation(n, seed).slice(0, count).sort();
}
