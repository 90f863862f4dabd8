/** Turns rows of a host data set into the `x` and `y` feeds of a static-batch graph. */
import { sizeOf, type TensorData, type ValueInfo } from "../onnx/ir.ts";

/** Host rows: inputs [count, …] row-major and targets (rows of values or class labels). */
export interface Rows {
  readonly count: number;
  readonly x: Float32Array | Float64Array;
  /** Float targets [count, k], or class labels [count] (Uint8Array or BigInt64Array). */
  readonly y: Float32Array | Float64Array | BigInt64Array | Uint8Array;
}

/** A training data set: rows plus the batch order of each epoch. */
export interface DataSource extends Rows {
  /**
   * Row indices of every batch of `epoch`. Must be a pure function of the epoch (e.g.
   * data/'s `batchIndices(n, b, { seed, epoch, dropLast: true })`), so that a checkpoint's
   * (epoch, batch) position fully restores the shuffle.
   */
  batches(epoch: number): readonly ArrayLike<number>[];
  /**
   * Optional per-batch transform of the gathered inputs (e.g. random crops and flips). It must
   * return a new array (the input may be a view of `x`) and be a pure function of its arguments,
   * so that a resumed run sees the same batches.
   */
  augment?(
    x: Float32Array | Float64Array,
    epoch: number,
    batch: number,
  ): Float32Array | Float64Array;
}

/** Fills the `x` and `y` inputs of one graph from rows picked by index. */
export class BatchFeeder {
  private readonly xRow: number;
  private readonly yRow: number;
  private readonly labels: boolean;
  private readonly xBuf: TensorData;
  private readonly yBuf: TensorData;

  constructor(private readonly rows: Rows, readonly xInfo: ValueInfo, readonly yInfo: ValueInfo) {
    const batch = xInfo.shape[0];
    this.xRow = sizeOf(xInfo.shape) / batch;
    this.yRow = sizeOf(yInfo.shape) / batch;
    if (rows.x.length !== rows.count * this.xRow) {
      throw new RangeError(
        `Expected ${rows.count} input rows of ${this.xRow} values but found ${rows.x.length} values`,
      );
    }
    const integer = rows.y instanceof Uint8Array || rows.y instanceof BigInt64Array;
    this.labels = integer && rows.y.length === rows.count;
    const yOk = this.labels ? (yInfo.dtype === "int64" || this.yRow > 1) : !integer &&
      rows.y.length === rows.count * this.yRow && yInfo.dtype !== "int64";
    if (!yOk) {
      throw new RangeError(
        `Expected targets for "${yInfo.name}" [${yInfo.shape}] ${yInfo.dtype} but found ` +
          `${rows.y.constructor.name} of length ${rows.y.length} for ${rows.count} rows`,
      );
    }
    this.xBuf = alloc(xInfo.dtype, sizeOf(xInfo.shape));
    this.yBuf = alloc(yInfo.dtype, sizeOf(yInfo.shape));
  }

  /** Batch size of the graph. */
  get batch(): number {
    return this.xInfo.shape[0];
  }

  /**
   * Feeds for the rows `idx` (exactly one graph batch). Consecutive indices of matching
   * dtype are passed as views without copying (full-batch gradient descent).
   */
  feeds(idx: ArrayLike<number>): { x: TensorData; y: TensorData } {
    if (idx.length !== this.batch) {
      throw new RangeError(
        `Expected batches of ${this.batch} rows but found ${idx.length} (drop the last batch)`,
      );
    }
    return { x: this.gatherX(idx), y: this.gatherY(idx) };
  }

  private gatherX(idx: ArrayLike<number>): TensorData {
    const src = this.rows.x;
    const r = this.xRow;
    if (consecutive(idx, this.rows.count) && sameType(src, this.xInfo.dtype)) {
      return src.subarray(idx[0] * r, (idx[0] + idx.length) * r);
    }
    const out = this.xBuf as Float32Array | Float64Array;
    for (let k = 0; k < idx.length; k++) {
      const i = checkRow(idx[k], this.rows.count);
      out.set(src.subarray(i * r, (i + 1) * r), k * r);
    }
    return out;
  }

  private gatherY(idx: ArrayLike<number>): TensorData {
    const src = this.rows.y;
    const r = this.yRow;
    if (!this.labels) {
      const f = src as Float32Array | Float64Array;
      if (consecutive(idx, this.rows.count) && sameType(f, this.yInfo.dtype)) {
        return f.subarray(idx[0] * r, (idx[0] + idx.length) * r);
      }
      const out = this.yBuf as Float32Array | Float64Array;
      for (let k = 0; k < idx.length; k++) {
        const i = checkRow(idx[k], this.rows.count);
        out.set(f.subarray(i * r, (i + 1) * r), k * r);
      }
      return out;
    }
    if (this.yInfo.dtype === "int64") {
      const out = this.yBuf as BigInt64Array;
      for (let k = 0; k < idx.length; k++) out[k] = BigInt(src[checkRow(idx[k], this.rows.count)]);
      return out;
    }
    // One-hot rows from class labels (MSE on one-hot targets, SPEC 5.3).
    const out = this.yBuf as Float32Array | Float64Array;
    out.fill(0);
    for (let k = 0; k < idx.length; k++) {
      const c = Number(src[checkRow(idx[k], this.rows.count)]);
      if (!(c >= 0 && c < r)) throw new RangeError(`Expected a label in [0, ${r}) but found ${c}`);
      out[k * r + c] = 1;
    }
    return out;
  }
}

function alloc(dtype: ValueInfo["dtype"], n: number): TensorData {
  if (dtype === "float32") return new Float32Array(n);
  if (dtype === "float64") return new Float64Array(n);
  if (dtype === "int64") return new BigInt64Array(n);
  throw new TypeError(`Expected a float or int64 data input but found ${dtype}`);
}

function sameType(a: Float32Array | Float64Array, dtype: ValueInfo["dtype"]): boolean {
  return dtype === "float32" ? a instanceof Float32Array : a instanceof Float64Array;
}

function consecutive(idx: ArrayLike<number>, n = Infinity): boolean {
  if (idx.length === 0 || !(idx[0] >= 0 && idx[0] + idx.length <= n)) return false;
  for (let k = 1; k < idx.length; k++) if (idx[k] !== idx[0] + k) return false;
  return true;
}

function checkRow(i: number, n: number): number {
  if (!(i >= 0 && i < n)) throw new RangeError(`Expected a row index in [0, ${n}) but found ${i}`);
  return i;
}
