import assert from "node:assert/strict";
import { FormatError } from "./format_error.ts";
import { readIdx, readIdxImages, readIdxLabels, readMnist } from "./idx.ts";

/** Writes an IDX file of unsigned bytes: magic 0x000008NN, big-endian dims, payload. */
function idx(shape: number[], payload: number[], magicOverride?: number): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magicOverride ?? (0x0800 | shape.length), false);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(payload, 4 + 4 * shape.length);
  return out;
}

const IMAGES = idx([2, 2, 3], [0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6]);
const LABELS = idx([2], [7, 3]);

Deno.test("readIdxImages() reads shape and scales pixels to [0, 1]", () => {
  const t = readIdxImages(IMAGES, "images");
  assert.deepEqual(t.shape, [2, 2, 3]);
  assert.equal(t.data.length, 12);
  assert.equal(t.data[1], Math.fround(51 / 255));
  assert.equal(t.data[5], 1);
  assert.equal(t.data[11], Math.fround(6 / 255));
});

Deno.test("readIdxLabels() reads labels", () => {
  assert.deepEqual(readIdxLabels(LABELS, "labels"), new Uint8Array([7, 3]));
});

Deno.test("readIdx() rejects a wrong magic number", () => {
  assert.throws(
    () => readIdxImages(LABELS, "train-images-idx3-ubyte"),
    (e) =>
      e instanceof FormatError &&
      e.message ===
        'Expected IDX magic 0x00000803 in "train-images-idx3-ubyte" but found 0x00000801',
  );
  assert.throws(() => readIdx(idx([2], [1, 2], 0x00000d01), "f"), /unsigned bytes.*0x00000d01/);
  assert.throws(() => readIdx(idx([2], [1, 2], 0x01000801), "f"), FormatError);
});

Deno.test("readIdx() rejects a file shorter than the magic number", () => {
  assert.throws(() => readIdx(new Uint8Array(3), "f"), /Expected an IDX header in "f"/);
});

Deno.test("readIdx() rejects a truncated header", () => {
  assert.throws(
    () => readIdx(IMAGES.subarray(0, 10), "imgs"),
    (e) =>
      e instanceof FormatError && /Expected 16 header bytes in "imgs" but found 10/.test(e.message),
  );
});

Deno.test("readIdx() rejects a truncated payload", () => {
  assert.throws(
    () => readIdxImages(IMAGES.subarray(0, IMAGES.length - 1), "imgs"),
    (e) =>
      e instanceof FormatError &&
      e.message === 'Expected 28 bytes in "imgs" (shape 2x2x3) but found 27 (truncated)',
  );
});

Deno.test("readIdx() rejects trailing bytes", () => {
  const long = new Uint8Array(LABELS.length + 1);
  long.set(LABELS);
  assert.throws(() => readIdxLabels(long, "labels"), /found 11 \(trailing bytes\)/);
});

Deno.test("readIdxLabels() rejects a label outside the classes", () => {
  assert.throws(
    () => readIdxLabels(idx([3], [1, 10, 2]), "labels"),
    (e) =>
      e instanceof FormatError &&
      e.message === 'Expected labels below 10 in "labels" but found 10 at record 1',
  );
});

Deno.test("readMnist() rejects a count mismatch between images and labels", () => {
  assert.throws(
    () =>
      readMnist({
        images: { name: "imgs", bytes: IMAGES },
        labels: { name: "lbls", bytes: idx([3], [1, 2, 3]) },
      }),
    (e) => e instanceof FormatError && /Expected 2 labels in "lbls" .* but found 3/.test(e.message),
  );
});

Deno.test("readMnist() rejects a split shorter than expected", () => {
  const files = { images: { name: "imgs", bytes: IMAGES }, labels: { name: "l", bytes: LABELS } };
  assert.equal(readMnist(files, 2).labels.length, 2);
  assert.throws(() => readMnist(files, 60000), /Expected 60000 records in "imgs" but found 2/);
  // a longer split than expected is as wrong as a shorter one
  assert.throws(() => readMnist(files, 1), /Expected 1 records in "imgs" but found 2/);
});

Deno.test("readIdx() rejects zero dimensions and a header one byte short as FormatError", () => {
  // 0x00000800 declares no dimensions: not an array MNIST ever uses, even with a payload byte
  assert.throws(
    () => readIdx(new Uint8Array([0, 0, 8, 0, 42]), "scalar"),
    (e) => e instanceof FormatError && /NN >= 1 dimensions\) in "scalar"/.test(e.message),
  );
  // one byte of the last dimension missing is a truncated header, not a DataView RangeError
  const short = idx([2, 2, 3], []).subarray(0, 15);
  assert.throws(
    () => readIdx(short, "images"),
    (e) =>
      e instanceof FormatError &&
      e.message === 'Expected 16 header bytes in "images" but found 15 (truncated)',
  );
});
