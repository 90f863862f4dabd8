import assert from "node:assert/strict";
import { inferOutputs } from "./shape.ts";
import type { Graph } from "./ir.ts";
import { runGraph } from "./run.ts";
import { batchNormShape, convOutLength, padShape, sliceRanges, spatialOf } from "./shape_conv.ts";

const f32 = (shape: number[]) => ({ dtype: "float32" as const, shape });

Deno.test("inferOutputs() gives kuangliu's conv and pool shapes", () => {
  const conv = (x: number[], w: number[], attrs = {}) =>
    inferOutputs("Conv", [f32(x), f32(w)], attrs)[0].shape;
  assert.deepEqual(
    conv([8, 64, 32, 32], [128, 64, 3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] }),
    [8, 128, 16, 16],
  );
  assert.deepEqual(conv([8, 64, 32, 32], [128, 64, 1, 1], { strides: [2, 2] }), [8, 128, 16, 16]);
  const pool = inferOutputs("AveragePool", [f32([8, 512, 4, 4])], {
    kernel_shape: [4, 4],
    strides: [4, 4],
  });
  assert.deepEqual(pool[0].shape, [8, 512, 1, 1]);
  const up = inferOutputs("ConvTranspose", [f32([2, 4, 16, 16]), f32([4, 3, 3, 3])], {
    strides: [2, 2],
    pads: [1, 1, 1, 1],
    output_padding: [1, 1],
  });
  assert.deepEqual(up[0].shape, [2, 3, 32, 32]);
  assert.equal(convOutLength(7, spatialOf({ dilations: [2], pads: [0, 1] }, [3], "Conv"), 0), 4);
});

Deno.test("inferOutputs() checks Conv groups", () => {
  const x = f32([1, 4, 5, 5]);
  // group 2: W [M, C/2, …]; M = 6 output channels, 3 per group
  const [y] = inferOutputs("Conv", [x, f32([6, 2, 3, 3])], { group: 2, pads: [1, 1, 1, 1] });
  assert.deepEqual(y.shape, [1, 6, 5, 5]);
  assert.throws(() => inferOutputs("Conv", [x, f32([4, 4, 3, 3])], { group: 2 }), /\[M,2,/);
  assert.throws(() => inferOutputs("Conv", [x, f32([5, 1, 3, 3])], { group: 4 }), /group dividing/);
  assert.throws(() => inferOutputs("Conv", [x, f32([6, 1, 3, 3])], { group: 3 }), /group dividing/);
  assert.throws(
    () => inferOutputs("ConvTranspose", [x, f32([4, 2, 3, 3])], { group: 2 }),
    /group 1/,
  );
});

Deno.test("inferOutputs() rejects training-mode BN, bad biases and large output_padding", () => {
  const x = f32([1, 4, 5, 5]);
  assert.throws(() => inferOutputs("Conv", [x, f32([4, 4, 3, 3]), f32([3])], {}), /bias \[4\]/);
  assert.throws(() => inferOutputs("Conv", [x, f32([4, 3, 3, 3])], {}), /weight \[M,4/);
  const c = f32([4]);
  assert.throws(
    () => inferOutputs("BatchNormalization", [x, c, c, c, c], { training_mode: 1 }),
    /training_mode 0/,
  );
  assert.throws(
    () => inferOutputs("ConvTranspose", [x, f32([4, 2, 3, 3])], { output_padding: [1, 1] }),
    /output_padding below the stride/,
  );
  assert.throws(() => inferOutputs("AveragePool", [x], { kernel_shape: [6, 6] }), /non-empty/);
});

Deno.test("spatialOf() rejects a wrong kernel_shape, zero strides, negative pads and short lists", () => {
  const conv = (attrs: Record<string, number[]>) =>
    inferOutputs("Conv", [f32([1, 2, 5, 5]), f32([3, 2, 3, 3])], attrs)[0].shape;
  assert.deepEqual(conv({ kernel_shape: [3, 3], strides: [2, 1] }), [1, 3, 2, 3]);
  assert.throws(() => conv({ kernel_shape: [5, 5] }), /Expected kernel_shape \[3,3\]/);
  assert.throws(() => conv({ strides: [0, 1] }), /positive strides and dilations/);
  assert.throws(() => conv({ dilations: [1, 0] }), /positive strides and dilations/);
  assert.throws(() => conv({ pads: [0, -1, 0, 0] }), /pads >= 0/);
  assert.throws(
    () => conv({ strides: [2] }),
    /Expected 2 values in "strides" of "Conv" but found 1/,
  );
  assert.throws(() => conv({ pads: [1, 1] }), /Expected 4 values in "pads"/);
});

Deno.test("inferOutputs() checks Conv ranks, bias rank and an integer group", () => {
  assert.throws(() => inferOutputs("Conv", [f32([1, 4]), f32([3, 4])], {}), /\[N,C,…\]/);
  const x = f32([1, 3, 4, 4]);
  assert.throws(
    () => inferOutputs("Conv", [x, f32([3, 3, 1, 1]), f32([3, 1])], {}),
    /Expected a "Conv" bias \[3\] but found \[3,1\]/,
  );
  assert.throws(
    () => inferOutputs("Conv", [x, f32([3, 2, 1, 1])], { group: 1.5 }),
    /group dividing 3 input and 3 output channels but found 1.5/,
  );
});

Deno.test("inferOutputs() checks ConvTranspose's weight and output_padding", () => {
  const x = f32([1, 4, 5, 5]);
  assert.throws(
    () => inferOutputs("ConvTranspose", [x, f32([3, 4, 3, 3])], {}),
    /Expected ConvTranspose weight \[4,M,…\] but found \[3,4,3,3\]/,
  );
  assert.throws(
    () =>
      inferOutputs("ConvTranspose", [x, f32([4, 2, 3, 3])], {
        strides: [2, 2],
        output_padding: [-1, 0],
      }),
    /output_padding below the stride/,
  );
});

Deno.test("inferOutputs() wants an AveragePool kernel_shape per spatial axis", () => {
  const x = f32([1, 2, 4, 4]);
  assert.deepEqual(inferOutputs("AveragePool", [x], { kernel_shape: [2, 2] })[0].shape, [
    1,
    2,
    3,
    3,
  ]);
  assert.throws(
    () => inferOutputs("AveragePool", [x], { kernel_shape: [2] }),
    /Expected kernel_shape of length 2 in "AveragePool"/,
  );
});

Deno.test("sliceRanges(), padShape() and batchNormShape() reject inconsistent arguments", () => {
  assert.deepEqual(sliceRanges([4], [1], [3], undefined, undefined), [
    { start: 1, count: 2, step: 1 },
  ]);
  assert.throws(() => sliceRanges([4, 5], [0], [2, 3], undefined, undefined), /equal lengths/);
  assert.deepEqual(padShape([2, 3], [0, 1, 2, 3]), [4, 7]);
  assert.throws(() => padShape([2, 3], [0, 1, 2, -1]), /Expected 4 non-negative Pad pads/);
  assert.deepEqual(batchNormShape([[1, 2, 3], [2], [2]], {}), [1, 2, 3]);
  assert.throws(() => batchNormShape([[1, 2, 3], [2, 1], [2]], {}), /per-channel inputs \[2\]/);
});

Deno.test("inferOutputs() accepts a ConvTranspose output_padding exactly where ONNX Runtime runs it", async () => {
  // stride 2: padding 1 runs and gives the inferred shape; stride 1 with dilation 2: padding 1
  // (below the dilation, which PyTorch allows) is refused by ONNX Runtime and by inference
  const cases = [
    { strides: [2], dilations: [1], output_padding: [1], runs: true },
    { strides: [1], dilations: [2], output_padding: [1], runs: false },
    { strides: [2], dilations: [1], output_padding: [2], runs: false },
  ];
  for (const { runs, ...attrs } of cases) {
    const x = { name: "x", dtype: "float32" as const, shape: [1, 1, 4] };
    const w = { name: "w", dtype: "float32" as const, shape: [1, 1, 3] };
    let inferred: readonly number[] | undefined;
    try {
      inferred = inferOutputs("ConvTranspose", [x, w], attrs)[0].shape;
    } catch (e) {
      assert.ok(e instanceof RangeError && /output_padding below the stride/.test(e.message));
    }
    assert.equal(inferred !== undefined, runs, JSON.stringify(attrs));
    // ONNX's output length: stride·(in − 1) + dilation·(kernel − 1) + 1 + output_padding
    const length = attrs.strides[0] * 3 + attrs.dilations[0] * 2 + 1 + attrs.output_padding[0];
    if (inferred) assert.deepEqual(inferred, [1, 1, length]);
    const graph: Graph = {
      name: "ct",
      inputs: [x, w],
      outputs: [{ name: "y", dtype: "float32", shape: [1, 1, length] }],
      initializers: [],
      nodes: [{ name: "ct", op: "ConvTranspose", inputs: ["x", "w"], outputs: ["y"], attrs }],
    };
    const feeds = { x: new Float32Array(4).fill(1), w: new Float32Array(3).fill(1) };
    const ran = await runGraph(graph, feeds).then((out) => out.y.dims, () => undefined);
    assert.equal(ran !== undefined, runs, `ONNX Runtime on ${JSON.stringify(attrs)}`);
    if (ran) assert.deepEqual([...ran], [1, 1, length]);
  }
});
