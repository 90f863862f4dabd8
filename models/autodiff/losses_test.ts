import assert from "node:assert/strict";
import { evalGraph, runGraph } from "../onnx/mod.ts";
import { checkGradients, seeded } from "./gradcheck.ts";
import { GraphBuilder } from "./builder.ts";
import { batchAccuracy, mseLoss, softmaxCrossEntropy } from "./losses.ts";

const LOGITS = seeded(12, 5);
const ONE_HOT = Float64Array.from([0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
const LABELS = BigInt64Array.from([2n, 0n, 3n]);

Deno.test("mseLoss() is 1/(2B)·Σ‖f−y‖² and its gradient matches central differences", async () => {
  const b = new GraphBuilder("mse");
  const f = b.input("f", "float64", [2, 2]);
  const y = b.input("y", "float64", [2, 2]);
  b.output(mseLoss(b, f, y));
  const out = evalGraph(b.build(), {
    f: new Float64Array([1, 2, 3, 4]),
    y: new Float64Array([0, 0, 1, 1]),
  });
  assert.equal(out.loss.data[0], (1 + 4 + 4 + 9) / 4);
  const err = await checkGradients(
    { f: [3, 2], y: [3, 2] },
    (b, [f, y]) => mseLoss(b, f, y),
    { f: seeded(6, 1), y: seeded(6, 2) },
  );
  console.log(`mse: ort ${err.ort.toExponential(2)} ref ${err.ref.toExponential(2)}`);
  assert.ok(err.ort <= 1e-6 && err.ref <= 1e-6);
});

Deno.test("softmaxCrossEntropy() gradient matches central differences (index and one-hot)", async () => {
  for (const labels of ["index", "onehot"] as const) {
    const err = await checkGradients({ z: [3, 4] }, (b, [z]) => {
      const y = labels === "index"
        ? b.constant("labels", "int64", [3], LABELS)
        : b.constant("labels", "float64", [3, 4], ONE_HOT);
      return softmaxCrossEntropy(b, z, y);
    }, { z: LOGITS });
    console.log(
      `cross-entropy ${labels}: ort ${err.ort.toExponential(2)} ref ${err.ref.toExponential(2)}`,
    );
    assert.ok(err.ort <= 1e-6 && err.ref <= 1e-6);
  }
});

Deno.test("softmaxCrossEntropy() stays finite and exact for logits of size 1e4", async () => {
  const b = new GraphBuilder("ce");
  const z = b.input("z", "float32", [1, 3]);
  b.output(softmaxCrossEntropy(b, z, b.constant("labels", "int64", [1], BigInt64Array.from([1n]))));
  const out = await runGraph(b.build(), { z: new Float32Array([1e4, 0, -1e4]) });
  assert.equal((out.loss.data as Float32Array)[0], 1e4);
});

Deno.test("batchAccuracy() counts arg-max hits for index and one-hot labels", async () => {
  for (const onehot of [false, true]) {
    const b = new GraphBuilder("acc");
    const z = b.input("z", "float64", [3, 4]);
    const y = onehot
      ? b.constant("labels", "float64", [3, 4], ONE_HOT)
      : b.constant("labels", "int64", [3], LABELS);
    b.output(batchAccuracy(b, z, y));
    const logits = Float64Array.from([0, 1, 5, 0, 9, 1, 0, 0, 3, 0, 0, 1]);
    const out = await runGraph(b.build(), { z: logits });
    assert.equal((out.accuracy.data as Float64Array)[0], 2 / 3);
  }
});
