import assert from "node:assert/strict";
import { FormatError } from "./format_error.ts";
import {
  CIFAR_CLASSES,
  CIFAR_META_TEXT,
  CIFAR_RECORD_BYTES,
  readCifarBatch,
  readCifarBatches,
  readCifarMeta,
} from "./cifar.ts";
import { CIFAR10_FILES } from "./fetch_cifar10.ts";
import { sha256Hex } from "./_test_server.ts";

/** `n` records: label i % 10, pixel j of record i = (i + j) mod 256. */
function batch(n: number): Uint8Array {
  const out = new Uint8Array(n * CIFAR_RECORD_BYTES);
  for (let i = 0; i < n; i++) {
    out[i * CIFAR_RECORD_BYTES] = i % 10;
    for (let j = 0; j < 3072; j++) out[i * CIFAR_RECORD_BYTES + 1 + j] = (i + j) % 256;
  }
  return out;
}

Deno.test("readCifarBatch() reads labels and [n, 3, 32, 32] pixels in [0, 1]", () => {
  const { x, labels } = readCifarBatch(batch(3), "b", 3);
  assert.deepEqual(x.shape, [3, 3, 32, 32]);
  assert.deepEqual(labels, new Uint8Array([0, 1, 2]));
  assert.equal(x.data[0], 0);
  assert.equal(x.data[1024], 0); // G plane of record 0 starts at pixel byte 1024 = 0 mod 256
  assert.equal(x.data[3072 + 5], Math.fround(6 / 255));
});

Deno.test("readCifarBatch() rejects a truncated file", () => {
  const bytes = batch(2);
  assert.throws(
    () => readCifarBatch(bytes.subarray(0, bytes.length - 1), "data_batch_1.bin", 2),
    (e) =>
      e instanceof FormatError &&
      e.message ===
        'Expected 6146 bytes (2 records of 3073) in "data_batch_1.bin" but found 6145 ' +
          "(not whole records)",
  );
});

Deno.test("readCifarBatch() rejects a count mismatch", () => {
  assert.throws(() => readCifarBatch(batch(2), "test_batch.bin"), /found 6146 \(2 records\)/);
});

Deno.test("readCifarBatch() rejects a label above 9", () => {
  const bytes = batch(2);
  bytes[CIFAR_RECORD_BYTES] = 12;
  assert.throws(
    () => readCifarBatch(bytes, "b", 2),
    /Expected a label in 0..9 in "b" but found 12 at record 1/,
  );
  bytes[CIFAR_RECORD_BYTES] = 10; // the first value outside the ten classes
  assert.throws(() => readCifarBatch(bytes, "b", 2), /found 10 at record 1/);
  bytes[CIFAR_RECORD_BYTES] = 9;
  assert.equal(readCifarBatch(bytes, "b", 2).labels[1], 9);
});

Deno.test("readCifarBatches() concatenates batches in order", () => {
  const all = readCifarBatches([{ name: "a", bytes: batch(2) }, { name: "b", bytes: batch(2) }], 2);
  assert.deepEqual(all.x.shape, [4, 3, 32, 32]);
  assert.deepEqual(all.labels, new Uint8Array([0, 1, 0, 1]));
  assert.equal(all.x.data[2 * 3072 + 5], Math.fround(5 / 255));
});

Deno.test("CIFAR_META_TEXT matches the pinned batches.meta.txt", async () => {
  const bytes = new TextEncoder().encode(CIFAR_META_TEXT);
  assert.equal(bytes.length, 61);
  const pin = CIFAR10_FILES.find((f) => f.name.endsWith("batches.meta.txt"))!;
  assert.equal(await sha256Hex(bytes), pin.sha256);
  assert.equal(readCifarMeta(bytes, "batches.meta.txt").length, 10);
});

Deno.test("readCifarMeta() rejects wrong class names", () => {
  const bytes = new TextEncoder().encode("cat\ndog\n");
  assert.throws(
    () => readCifarMeta(bytes, "meta"),
    /Expected class names .* in "meta" but found cat,dog/,
  );
});

Deno.test("readCifarMeta() rejects the ten names out of order and ignores blank lines", () => {
  const swapped = ["automobile", "airplane", ...CIFAR_CLASSES.slice(2)].join("\n") + "\n";
  assert.throws(
    () => readCifarMeta(new TextEncoder().encode(swapped), "meta"),
    /Expected class names airplane,automobile,.* in "meta" but found automobile,airplane,/,
  );
  // a blank line holding only spaces is not a class name
  const padded = new TextEncoder().encode(CIFAR_CLASSES.join("\n") + "\n  \n");
  assert.deepEqual(readCifarMeta(padded, "meta"), [...CIFAR_CLASSES]);
});
