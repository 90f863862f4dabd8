/** IDX reader (the MNIST file format): big-endian header, unsigned-byte payload. */
import { FormatError } from "./format_error.ts";
import type { LabelledData, Tensor } from "./tensor.ts";

/** A decoded IDX array of unsigned bytes. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

/** IDX magic of an unsigned-byte array with three dimensions (MNIST images). */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** IDX magic of an unsigned-byte array with one dimension (MNIST labels). */
export const IDX_LABELS_MAGIC = 0x00000801;

const hex = (n: number) => "0x" + n.toString(16).padStart(8, "0");

/**
 * Parses an IDX file of unsigned bytes. `name` appears in every error. Throws FormatError on a
 * wrong magic number, a truncated header or payload, or trailing bytes.
 *
 * @example
 * ```ts
 * import { readIdx } from "./mod.ts";
 *
 * const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 5, 7]);
 * console.log(readIdx(bytes, "labels")); // { shape: [2], data: Uint8Array [5, 7] }
 * ```
 */
export function readIdx(bytes: Uint8Array, name: string, magic?: number): IdxArray {
  if (bytes.length < 4) {
    throw new FormatError(`Expected an IDX header in "${name}" but found ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0, false);
  if (magic !== undefined && found !== magic) {
    throw new FormatError(`Expected IDX magic ${hex(magic)} in "${name}" but found ${hex(found)}`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08 || bytes[3] === 0) {
    throw new FormatError(
      `Expected IDX magic 0x000008NN (unsigned bytes, NN >= 1 dimensions) in "${name}" ` +
        `but found ${hex(found)}`,
    );
  }
  const ndim = bytes[3];
  const headerLength = 4 + 4 * ndim;
  if (bytes.length < headerLength) {
    throw new FormatError(
      `Expected ${headerLength} header bytes in "${name}" but found ${bytes.length} (truncated)`,
    );
  }
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerLength + count;
  if (bytes.length < expected) {
    throw new FormatError(
      `Expected ${expected} bytes in "${name}" (shape ${shape.join("x")}) but found ` +
        `${bytes.length} (truncated)`,
    );
  }
  if (bytes.length > expected) {
    throw new FormatError(
      `Expected ${expected} bytes in "${name}" (shape ${shape.join("x")}) but found ` +
        `${bytes.length} (trailing bytes)`,
    );
  }
  return { shape, data: bytes.subarray(headerLength, expected) };
}

/** Reads MNIST images as a `[n, rows, cols]` float tensor with pixels scaled to [0, 1]. */
export function readIdxImages(bytes: Uint8Array, name: string): Tensor {
  const { shape, data } = readIdx(bytes, name, IDX_IMAGES_MAGIC);
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] / 255;
  return { shape, data: out };
}

/** Reads MNIST labels; every label must be below `numClasses`. */
export function readIdxLabels(bytes: Uint8Array, name: string, numClasses = 10): Uint8Array {
  const { data } = readIdx(bytes, name, IDX_LABELS_MAGIC);
  const bad = data.findIndex((v) => v >= numClasses);
  if (bad >= 0) {
    throw new FormatError(
      `Expected labels below ${numClasses} in "${name}" but found ${data[bad]} at record ${bad}`,
    );
  }
  return data.slice();
}

/** Names and bytes of one MNIST split. */
export interface MnistSplitFiles {
  images: { name: string; bytes: Uint8Array };
  labels: { name: string; bytes: Uint8Array };
}

/**
 * Reads one MNIST split (images and labels), checking that the counts agree with each other and
 * with `expectedCount` when given (60000 for training, 10000 for test).
 *
 * @example
 * ```ts
 * import { readMnist } from "./mod.ts";
 *
 * const dir = "out/data/mnist";
 * const read = (name: string) => ({ name, bytes: Deno.readFileSync(`${dir}/${name}`) });
 * const test = readMnist({
 *   images: read("t10k-images-idx3-ubyte"),
 *   labels: read("t10k-labels-idx1-ubyte"),
 * }, 10000);
 * console.log(test.x.shape, test.labels[0]); // [10000, 28, 28] 7
 * ```
 */
export function readMnist(files: MnistSplitFiles, expectedCount?: number): LabelledData {
  const x = readIdxImages(files.images.bytes, files.images.name);
  const labels = readIdxLabels(files.labels.bytes, files.labels.name);
  if (x.shape[0] !== labels.length) {
    throw new FormatError(
      `Expected ${x.shape[0]} labels in "${files.labels.name}" to match "${files.images.name}" ` +
        `but found ${labels.length}`,
    );
  }
  if (expectedCount !== undefined && labels.length !== expectedCount) {
    throw new FormatError(
      `Expected ${expectedCount} records in "${files.images.name}" but found ${labels.length}`,
    );
  }
  return { x, labels };
}
