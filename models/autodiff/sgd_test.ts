import assert from "node:assert/strict";
import { OnnxSession, runGraph, toFloat64 } from "../onnx/mod.ts";
import { assignLearningRates, trainStep } from "./sgd.ts";

// Linear regression f = x·Wᵀ with W [1,2], B = 2: ∇W = (1/B) Σ_b (f_b − y_b) x_b.
const X = [1, 2, -1, 0.5];
const Y = [1, -2];
const spec = (momentum: number, weightDecay: number) =>
  trainStep({
    name: "linreg",
    dtype: "float64",
    batch: 2,
    inputShape: [2],
    forward: (b, x) =>
      b.emit("Gemm", [x, b.param("fc1.weight", "float64", [1, 2])], { transB: 1 }, { name: "fc1" }),
    loss: { kind: "mse" },
    sgd: { momentum, weightDecay },
  });

function handGrad(w: readonly number[]): number[] {
  const g = [0, 0];
  for (let n = 0; n < 2; n++) {
    const r = X[2 * n] * w[0] + X[2 * n + 1] * w[1] - Y[n];
    g[0] += (r * X[2 * n]) / 2;
    g[1] += (r * X[2 * n + 1]) / 2;
  }
  return g;
}

Deno.test("trainStep() with momentum and weight decay matches torch.optim.SGD by hand", async () => {
  const [mu, wd, lr] = [0.9, 0.01, 0.1];
  const step = spec(mu, wd);
  assert.deepEqual(step.state.map((s) => s.name), ["fc1.weight.momentum"]);
  const session = await OnnxSession.create(step.graph);
  let w = [0.3, -0.2];
  let v = [0, 0];
  let fw: Float64Array = Float64Array.from(w);
  let fv: Float64Array = new Float64Array(2);
  for (let k = 0; k < 3; k++) {
    const out = await session.run({
      x: Float64Array.from(X),
      y: Float64Array.from(Y),
      lr: new Float64Array([lr]),
      "fc1.weight": fw,
      "fc1.weight.momentum": fv,
    });
    const g = handGrad(w);
    v = v.map((vi, i) => mu * vi + (g[i] + wd * w[i]));
    w = w.map((wi, i) => wi - lr * v[i]);
    fw = out["fc1.weight_next"].data as Float64Array;
    fv = out["fc1.weight.momentum_next"].data as Float64Array;
    for (let i = 0; i < 2; i++) {
      assert.ok(Math.abs(fw[i] - w[i]) <= 1e-14, `step ${k} w[${i}]: ${fw[i]} vs ${w[i]}`);
      assert.ok(Math.abs(fv[i] - v[i]) <= 1e-14, `step ${k} v[${i}]: ${fv[i]} vs ${v[i]}`);
    }
  }
  await session.release();
});

Deno.test("trainStep() plain SGD has no state and reports the pre-update loss", async () => {
  const step = spec(0, 0);
  assert.deepEqual(step.state, []);
  const w = [0.3, -0.2];
  const out = await runGraph(step.graph, {
    x: Float64Array.from(X),
    y: Float64Array.from(Y),
    lr: new Float64Array([0.5]),
    "fc1.weight": Float64Array.from(w),
  });
  const g = handGrad(w);
  const next = toFloat64(out["fc1.weight_next"].data);
  assert.deepEqual([...next], w.map((wi, i) => wi - 0.5 * g[i]));
  // the backward pass starts from lr: no Mul scales the gradient before the update
  assert.equal(step.graph.nodes.filter((n) => n.name.includes("_update/")).length, 0);
  const odd = await runGraph(step.graph, {
    x: Float64Array.from(X),
    y: Float64Array.from(Y),
    lr: new Float64Array([0.3]),
    "fc1.weight": Float64Array.from(w),
  });
  toFloat64(odd["fc1.weight_next"].data).forEach((v, i) => {
    assert.ok(Math.abs(v - (w[i] - 0.3 * g[i])) <= 1e-15, `w[${i}]: ${v} vs ${w[i] - 0.3 * g[i]}`);
  });
  const r = [X[0] * w[0] + X[1] * w[1] - Y[0], X[2] * w[0] + X[3] * w[1] - Y[1]];
  assert.ok(Math.abs(toFloat64(out.loss.data)[0] - (r[0] ** 2 + r[1] ** 2) / 4) < 1e-15);
});

Deno.test("trainStep() feeds one learning rate per group", async () => {
  const step = trainStep({
    name: "groups",
    dtype: "float32",
    batch: 1,
    inputShape: [1],
    forward: (b, x) => {
      const h = b.emit("MatMul", [x, b.param("a", "float32", [1, 1])]);
      return b.emit("MatMul", [h, b.param("c", "float32", [1, 1])]);
    },
    loss: { kind: "mse" },
    lrGroups: { lr_a: ["a"] },
  });
  assert.deepEqual(step.lrInputs, ["lr", "lr_a"]);
  // f = x·a·c, x = 1, y = 0, a = 2, c = 3: ∇a = f·c = 18, ∇c = f·a = 12.
  const out = await runGraph(step.graph, {
    x: new Float32Array([1]),
    y: new Float32Array([0]),
    lr: new Float32Array([0.01]),
    lr_a: new Float32Array([0.1]),
    a: new Float32Array([2]),
    c: new Float32Array([3]),
  });
  assert.ok(Math.abs(toFloat64(out.a_next.data)[0] - (2 - 0.1 * 18)) < 1e-6);
  assert.ok(Math.abs(toFloat64(out.c_next.data)[0] - (3 - 0.01 * 12)) < 1e-6);
});

Deno.test("assignLearningRates() rejects unknown and doubly assigned parameters", () => {
  assert.deepEqual(assignLearningRates(["a", "b"], { lr_b: ["b"] }), ["lr", "lr_b"]);
  assert.throws(() => assignLearningRates(["a"], { lr_x: ["x"] }), /found "x" in "lr_x"/);
  assert.throws(
    () => assignLearningRates(["a"], { lr1: ["a"], lr2: ["a"] }),
    /Expected one learning rate for "a" but found two/,
  );
});
