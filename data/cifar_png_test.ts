import assert from "node:assert/strict";
import { encode } from "fast-png";
import { cifarPngToBinary, parseCifarLabelsJson } from "./cifar_png.ts";
import { FormatError } from "./format_error.ts";

/** A 1024 x rows RGB PNG whose value at (row i, pixel j, channel c) is (7i + 3j + 101c) mod 256. */
function png(rows: number, width = 1024, channels = 3): Uint8Array {
  const data = new Uint8Array(rows * width * channels);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < width; j++) {
      for (let c = 0; c < channels; c++) {
        data[(i * width + j) * channels + c] = (7 * i + 3 * j + 101 * c) % 256;
      }
    }
  }
  return encode({ width, height: rows, data, depth: 8, channels });
}

Deno.test("cifarPngToBinary() writes label then R, G, B planes, byte by byte", () => {
  const out = cifarPngToBinary(png(2), [6, 9], "data_batch_1.png");
  assert.equal(out.length, 2 * 3073);
  const expected = new Uint8Array(2 * 3073);
  for (let i = 0; i < 2; i++) {
    expected[i * 3073] = [6, 9][i];
    for (let c = 0; c < 3; c++) {
      for (let r = 0; r < 32; r++) {
        for (let col = 0; col < 32; col++) {
          const j = r * 32 + col; // pixel (row j div 32, column j mod 32)
          expected[i * 3073 + 1 + c * 1024 + r * 32 + col] = (7 * i + 3 * j + 101 * c) % 256;
        }
      }
    }
  }
  assert.deepEqual(out, expected);
});

Deno.test("cifarPngToBinary() rejects a PNG of the wrong width or channels", () => {
  assert.throws(
    () => cifarPngToBinary(png(1, 512), [0], "x.png"),
    (e) => e instanceof FormatError && /1024 pixels wide in "x.png" but found 512/.test(e.message),
  );
  assert.throws(
    () => cifarPngToBinary(png(1, 1024, 4), [0], "x.png"),
    /found 1024 pixels, 8-bit, 4/,
  );
});

Deno.test("cifarPngToBinary() rejects a row count that differs from the labels", () => {
  assert.throws(
    () => cifarPngToBinary(png(2), [1, 2, 3], "test_batch.png"),
    /Expected 3 rows \(one per label\) in "test_batch.png" but found 2/,
  );
});

Deno.test("cifarPngToBinary() rejects bytes that are not a PNG", () => {
  assert.throws(
    () => cifarPngToBinary(new Uint8Array([1, 2, 3]), [0], "junk.png"),
    /Expected a valid PNG in "junk.png"/,
  );
});

Deno.test("parseCifarLabelsJson() reads labels and rejects bad ones", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.deepEqual(parseCifarLabelsJson(enc("[6,9,0]"), "l.json", 3), new Uint8Array([6, 9, 0]));
  assert.throws(() => parseCifarLabelsJson(enc("[6,9]"), "l.json", 3), /Expected 3 labels/);
  assert.throws(() => parseCifarLabelsJson(enc("[6,10]"), "l.json"), /found 10 at index 1/);
  assert.throws(() => parseCifarLabelsJson(enc("{"), "l.json"), /Expected JSON in "l.json"/);
  assert.throws(() => parseCifarLabelsJson(enc("{}"), "l.json"), /JSON array/);
});
