/** A dense row-major float32 tensor. */
export interface Tensor {
  /** Dimensions, outermost first, e.g. `[n, 3, 32, 32]`. */
  shape: number[];
  /** Row-major values; `data.length` equals the product of `shape`. */
  data: Float32Array;
}

/** A labelled data set: images or features with one class label per row. */
export interface LabelledData {
  /** Inputs, first dimension = number of examples. */
  x: Tensor;
  /** One label per example. */
  labels: Uint8Array;
}

/** Number of values in one row (product of all dimensions but the first). */
export function rowSize(t: Tensor): number {
  return t.shape.slice(1).reduce((a, b) => a * b, 1);
}
