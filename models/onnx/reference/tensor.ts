/** Float64 tensors and index helpers for the reference evaluator. */
import type { DType } from "../ir.ts";

/** A reference tensor: every dtype is held as float64 numbers (ints and bools exactly). */
export interface RefTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Number of elements of `shape`. */
export function numel(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/**
 * Offsets into a tensor of shape `from` for every element of the broadcast shape `to`
 * (numpy rules: `from` is right-aligned, size-1 axes repeat).
 */
export function broadcastIndex(from: readonly number[], to: readonly number[]): Int32Array {
  const n = numel(to);
  const out = new Int32Array(n);
  const fs = stridesOf(from);
  const lead = to.length - from.length;
  const idx = new Array<number>(to.length).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    for (let i = lead; i < to.length; i++) {
      if (from[i - lead] !== 1) off += idx[i] * fs[i - lead];
    }
    out[k] = off;
    for (let i = to.length - 1; i >= 0; i--) {
      if (++idx[i] < to[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

/** Rounds values to the precision of `dtype` (float32 rounding, int truncation). */
export function roundTo(dtype: DType, data: Float64Array): Float64Array {
  if (dtype === "float32") return data.map(Math.fround);
  if (dtype === "int64") return data.map(Math.trunc);
  if (dtype === "bool") return data.map((v) => (v !== 0 ? 1 : 0));
  return data;
}
