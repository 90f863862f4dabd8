import assert from "node:assert/strict";
import { BatchFeeder } from "./batch_feed.ts";
import type { TensorData } from "../onnx/mod.ts";

const nums = (a: TensorData) => Array.from(a as Float32Array | Float64Array);

const x4 = Float32Array.from({ length: 4 * 2 }, (_, i) => i); // 4 rows of 2 values
const xInfo = (batch: number) => ({ name: "x", dtype: "float32" as const, shape: [batch, 2] });

Deno.test("BatchFeeder turns class labels into one-hot rows in the batch's order", () => {
  const rows = { count: 4, x: x4, y: Uint8Array.of(2, 0, 3, 1) };
  const feeder = new BatchFeeder(rows, xInfo(3), {
    name: "y",
    dtype: "float32",
    shape: [3, 4],
  });
  const { x, y } = feeder.feeds([2, 0, 3]);
  assert.deepEqual(nums(x), [4, 5, 0, 1, 6, 7]);
  assert.deepEqual(
    nums(y),
    [
      [0, 0, 0, 1],
      [0, 0, 1, 0],
      [0, 1, 0, 0],
    ].flat(),
  );
  // the buffer is reused: the next batch's rows hold only their own 1s
  assert.deepEqual(
    nums(feeder.feeds([1, 3, 0]).y),
    [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ].flat(),
  );
  const bad = new BatchFeeder({ ...rows, y: Uint8Array.of(4, 0, 0, 0) }, xInfo(1), {
    name: "y",
    dtype: "float32",
    shape: [1, 4],
  });
  assert.throws(() => bad.feeds([0]), /Expected a label in \[0, 4\) but found 4/);
});

Deno.test("BatchFeeder feeds int64 labels as they are and float targets row by row", () => {
  const labels = new BatchFeeder(
    { count: 4, x: x4, y: Uint8Array.of(2, 0, 3, 1) },
    xInfo(2),
    { name: "y", dtype: "int64", shape: [2] },
  );
  assert.deepEqual([...(labels.feeds([3, 0]).y as BigInt64Array)], [1n, 2n]);
  const targets = Float64Array.from({ length: 4 * 3 }, (_, i) => i / 10);
  const floats = new BatchFeeder(
    { count: 4, x: x4, y: targets },
    xInfo(2),
    { name: "y", dtype: "float64", shape: [2, 3] },
  );
  const fed = floats.feeds([3, 1]);
  assert.deepEqual(nums(fed.y), [0.9, 1, 1.1, 0.3, 0.4, 0.5]);
});

Deno.test("BatchFeeder passes consecutive rows as views and copies any other order", () => {
  const targets = Float32Array.from({ length: 4 }, (_, i) => i);
  const feeder = new BatchFeeder(
    { count: 4, x: x4, y: targets },
    xInfo(2),
    { name: "y", dtype: "float32", shape: [2, 1] },
  );
  const view = feeder.feeds([1, 2]);
  assert.equal(view.x.buffer, x4.buffer);
  assert.deepEqual(nums(view.x), [2, 3, 4, 5]);
  assert.deepEqual(nums(view.y), [1, 2]);
  const copy = feeder.feeds([2, 1]);
  assert.notEqual(copy.x.buffer, x4.buffer);
  assert.deepEqual(nums(copy.x), [4, 5, 2, 3]);
  // a run of indices that leaves the data is an error, not a short view
  assert.throws(() => feeder.feeds([3, 4]), /Expected a row index in \[0, 4\) but found 4/);
  assert.throws(() => feeder.feeds([1]), /Expected batches of 2 rows but found 1/);
});

Deno.test("BatchFeeder rejects inputs and targets that do not fit the graph, naming the input", () => {
  assert.throws(
    () =>
      new BatchFeeder({ count: 3, x: x4, y: Uint8Array.of(0, 1, 2) }, xInfo(1), {
        name: "y",
        dtype: "float32",
        shape: [1, 4],
      }),
    /Expected 3 input rows of 2 values but found 8 values/,
  );
  assert.throws(
    () =>
      new BatchFeeder({ count: 4, x: x4, y: new Float32Array(4) }, xInfo(1), {
        name: "labels",
        dtype: "int64",
        shape: [1],
      }),
    /Expected targets for "labels" \[1\] int64 but found Float32Array of length 4 for 4 rows/,
  );
});

Deno.test("BatchFeeder takes BigInt64Array labels, and refuses integer targets that are not one label per row", () => {
  const labels = new BatchFeeder(
    { count: 4, x: x4, y: BigInt64Array.of(2n, 0n, 3n, 1n) },
    xInfo(2),
    { name: "y", dtype: "int64", shape: [2] },
  );
  assert.deepEqual([...(labels.feeds([2, 1]).y as BigInt64Array)], [3n, 0n]);
  // one-hot rows stored as bytes are not labels
  assert.throws(
    () =>
      new BatchFeeder({ count: 4, x: x4, y: new Uint8Array(4 * 2) }, xInfo(2), {
        name: "y",
        dtype: "float32",
        shape: [2, 2],
      }),
    /Expected targets for "y" \[2,2\] float32 but found Uint8Array of length 8 for 4 rows/,
  );
  // labels into a float target of one column: no one-hot of width 1
  assert.throws(
    () =>
      new BatchFeeder({ count: 4, x: x4, y: Uint8Array.of(0, 0, 0, 0) }, xInfo(2), {
        name: "y",
        dtype: "float32",
        shape: [2, 1],
      }),
    /Expected targets for "y" \[2,1\] float32/,
  );
});

Deno.test("BatchFeeder converts consecutive rows of another float type, views the last rows, and refuses a negative index", () => {
  const x64 = Float64Array.from(x4);
  const targets = Float32Array.from({ length: 4 }, (_, i) => i / 4);
  const feeder = new BatchFeeder(
    { count: 4, x: x64, y: targets },
    xInfo(2),
    { name: "y", dtype: "float64", shape: [2, 1] },
  );
  const fed = feeder.feeds([1, 2]);
  assert.ok(fed.x instanceof Float32Array, "x is fed as the graph's float32");
  assert.deepEqual(nums(fed.x), [2, 3, 4, 5]);
  assert.ok(fed.y instanceof Float64Array, "y is fed as the graph's float64");
  assert.deepEqual(nums(fed.y), [0.25, 0.5]);
  const same = new BatchFeeder(
    { count: 4, x: x4, y: targets },
    xInfo(2),
    { name: "y", dtype: "float32", shape: [2, 1] },
  );
  const last = same.feeds([2, 3]);
  assert.equal(last.x.buffer, x4.buffer, "the last rows are a view too");
  assert.deepEqual(nums(last.x), [4, 5, 6, 7]);
  assert.throws(() => same.feeds([-1, 0]), /Expected a row index in \[0, 4\) but found -1/);
});
