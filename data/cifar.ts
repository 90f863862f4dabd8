/** CIFAR-10 binary reader: records of one label byte then 1024 R, 1024 G, 1024 B bytes. */
import { FormatError } from "./format_error.ts";
import type { LabelledData } from "./tensor.ts";

/** Bytes per CIFAR-10 record: label + 3 x 32 x 32 pixels. */
export const CIFAR_RECORD_BYTES = 3073;
/** Records per official CIFAR-10 batch file. */
export const CIFAR_BATCH_RECORDS = 10000;
/** Class names in label order, as in `batches.meta.txt`. */
export const CIFAR_CLASSES = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
] as const;

/** The canonical `batches.meta.txt`: class names one per line, then an empty line (61 bytes). */
export const CIFAR_META_TEXT = CIFAR_CLASSES.join("\n") + "\n\n";

/**
 * Reads one CIFAR-10 batch into a `[n, 3, 32, 32]` tensor in [0, 1] and labels. Throws
 * FormatError if the length is not `expectedCount` whole records or a label is above 9.
 *
 * @example
 * ```ts
 * import { readCifarBatch } from "./mod.ts";
 *
 * const name = "out/data/cifar10/cifar-10-batches-bin/test_batch.bin";
 * const { x, labels } = readCifarBatch(Deno.readFileSync(name), name);
 * console.log(x.shape, labels[0]); // [10000, 3, 32, 32] 3
 * ```
 */
export function readCifarBatch(
  bytes: Uint8Array,
  name: string,
  expectedCount = CIFAR_BATCH_RECORDS,
): LabelledData {
  const expected = expectedCount * CIFAR_RECORD_BYTES;
  if (bytes.length !== expected) {
    const whole = bytes.length % CIFAR_RECORD_BYTES === 0;
    throw new FormatError(
      `Expected ${expected} bytes (${expectedCount} records of ${CIFAR_RECORD_BYTES}) in ` +
        `"${name}" but found ${bytes.length}` +
        (whole ? ` (${bytes.length / CIFAR_RECORD_BYTES} records)` : " (not whole records)"),
    );
  }
  const labels = new Uint8Array(expectedCount);
  const data = new Float32Array(expectedCount * 3072);
  for (let i = 0; i < expectedCount; i++) {
    const at = i * CIFAR_RECORD_BYTES;
    const label = bytes[at];
    if (label > 9) {
      throw new FormatError(
        `Expected a label in 0..9 in "${name}" but found ${label} at record ${i}`,
      );
    }
    labels[i] = label;
    for (let j = 0; j < 3072; j++) data[i * 3072 + j] = bytes[at + 1 + j] / 255;
  }
  return { x: { shape: [expectedCount, 3, 32, 32], data }, labels };
}

/** Reads several batches (e.g. the five training files) and concatenates them in order. */
export function readCifarBatches(
  files: { name: string; bytes: Uint8Array }[],
  expectedCount = CIFAR_BATCH_RECORDS,
): LabelledData {
  const parts = files.map((f) => readCifarBatch(f.bytes, f.name, expectedCount));
  const n = parts.length * expectedCount;
  const data = new Float32Array(n * 3072);
  const labels = new Uint8Array(n);
  parts.forEach((p, k) => {
    data.set(p.x.data, k * expectedCount * 3072);
    labels.set(p.labels, k * expectedCount);
  });
  return { x: { shape: [n, 3, 32, 32], data }, labels };
}

/** Reads `batches.meta.txt` and checks it names the ten classes in order. */
export function readCifarMeta(bytes: Uint8Array, name: string): string[] {
  const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  const names = text.split("\n").filter((line) => line.trim() !== "");
  if (names.join(",") !== CIFAR_CLASSES.join(",")) {
    throw new FormatError(
      `Expected class names ${CIFAR_CLASSES.join(",")} in "${name}" but found ${names.join(",")}`,
    );
  }
  return names;
}
