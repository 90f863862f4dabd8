import assert from "node:assert/strict";
import { relErr, seeded, trainStep } from "../autodiff/mod.ts";
import { OnnxSession, toFloat64 } from "../onnx/mod.ts";
import { mlp } from "./mlp.ts";

Deno.test("trainStep() on a float32 MLP learns a separable 3-class task in onnxruntime", async () => {
  const [batch, dim] = [12, 4];
  const step = trainStep({
    name: "mlp_smoke",
    dtype: "float32",
    batch,
    inputShape: [dim],
    forward: (b, x) => mlp(b, x, { sizes: [dim, 16, 3], bias: true }),
    loss: { kind: "softmax_ce", labels: "index" },
    sgd: { momentum: 0.9, weightDecay: 5e-4 },
  });
  const labels = BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % 3));
  const noise = seeded(batch * dim, 1);
  const x = Float32Array.from(
    noise,
    (v, i) => 0.1 * v + (Math.floor(i / dim) % 3 === i % dim ? 2 : 0),
  );
  const feeds: Record<string, Float32Array | BigInt64Array> = { x, y: labels };
  step.params.forEach((p, k) => {
    const n = p.shape.reduce((a, d) => a * d, 1);
    feeds[p.name] = Float32Array.from(
      seeded(n, 10 + k),
      (v) => (p.shape.length === 2 ? 0.3 * v : 0),
    );
  });
  for (const s of step.state) feeds[s.name] = new Float32Array(s.shape.reduce((a, d) => a * d, 1));
  feeds.lr = new Float32Array([0.05]);
  const session = await OnnxSession.create(step.graph);
  const losses: number[] = [];
  let accuracy = 0;
  for (let t = 0; t < 40; t++) {
    const out = await session.run(feeds);
    losses.push(toFloat64(out.loss.data)[0]);
    accuracy = toFloat64(out.accuracy.data)[0];
    for (const p of step.params) feeds[p.name] = out[`${p.name}_next`].data as Float32Array;
    for (const s of step.state) feeds[s.name] = out[`${s.name}_next`].data as Float32Array;
  }
  await session.release();
  assert.ok(losses[39] < 0.1 * losses[0], `loss ${losses[0]} -> ${losses[39]}`);
  assert.equal(accuracy, 1);
});

Deno.test("trainStep() float32 and float64 graphs agree on one MLP step", async () => {
  const outs = [];
  for (const dtype of ["float32", "float64"] as const) {
    const step = trainStep({
      name: "parity",
      dtype,
      batch: 4,
      inputShape: [5],
      forward: (b, x) => mlp(b, x, { sizes: [5, 6, 3], bias: true }),
      loss: { kind: "softmax_ce", labels: "onehot" },
      sgd: { momentum: 0.5, weightDecay: 0.1 },
    });
    const cast = (v: Float64Array) => (dtype === "float32" ? Float32Array.from(v) : v);
    const feeds: Record<string, Float32Array | Float64Array> = {
      x: cast(seeded(20, 1)),
      y: cast(Float64Array.from({ length: 12 }, (_, i) => (i % 4 === 0 ? 1 : 0))),
      lr: cast(new Float64Array([0.1])),
    };
    step.params.forEach((p, k) => {
      feeds[p.name] = cast(seeded(p.shape.reduce((a, d) => a * d, 1), 5 + k));
      feeds[`${p.name}.momentum`] = cast(seeded(p.shape.reduce((a, d) => a * d, 1), 50 + k));
    });
    const session = await OnnxSession.create(step.graph);
    outs.push(await session.run(feeds));
    await session.release();
  }
  const [f32, f64] = outs;
  for (const name of Object.keys(f64)) {
    const [a, b] = [toFloat64(f32[name].data), toFloat64(f64[name].data)];
    assert.ok(relErr(a, b) < 1e-5, `${name}: ${relErr(a, b)}`);
  }
});
