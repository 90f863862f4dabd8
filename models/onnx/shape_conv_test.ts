import assert from "node:assert/strict";
import { inferOutputs } from "./shape.ts";
import { convOutLength, spatialOf } from "./shape_conv.ts";

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
