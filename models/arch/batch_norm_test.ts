import assert from "node:assert/strict";
import { checkGradients, emitBackward, GraphBuilder, relErr, seeded } from "../autodiff/mod.ts";
import { evalGraph } from "../onnx/mod.ts";
import { batchNorm2d } from "./batch_norm.ts";

const SHAPE = [3, 2, 2, 2];

function build(training: boolean) {
  const b = new GraphBuilder("bn");
  const y = batchNorm2d(b, b.input("x", "float64", SHAPE), "bn", { training });
  b.output(y, "y");
  if (training) {
    b.output(b.bufferUpdate("bn.running_mean")!);
    b.output(b.bufferUpdate("bn.running_var")!);
  }
  return b.build();
}

const feeds = {
  x: seeded(24, 1),
  "bn.weight": Float64Array.from([1.5, -0.5]),
  "bn.bias": Float64Array.from([0.25, 2]),
  "bn.running_mean": Float64Array.from([0.1, -0.2]),
  "bn.running_var": Float64Array.from([2, 0.5]),
};

/** Per-channel batch mean and biased variance of x [N,C,H,W]. */
function batchStats(x: Float64Array): [number[], number[]] {
  const [n, c, hw] = [SHAPE[0], SHAPE[1], SHAPE[2] * SHAPE[3]];
  const mean = [0, 0];
  const sq = [0, 0];
  x.forEach((v, k) => {
    const ch = Math.floor(k / hw) % c;
    mean[ch] += v / (n * hw);
    sq[ch] += (v * v) / (n * hw);
  });
  return [mean, sq.map((s, ch) => s - mean[ch] ** 2)];
}

Deno.test("batchNorm2d() updates running statistics like PyTorch (m = 0.1, unbiased variance)", () => {
  const out = evalGraph(build(true), feeds);
  const [mean, variance] = batchStats(feeds.x);
  const count = 12;
  for (let ch = 0; ch < 2; ch++) {
    const rm = 0.9 * feeds["bn.running_mean"][ch] + 0.1 * mean[ch];
    const rv = 0.9 * feeds["bn.running_var"][ch] + (0.1 * variance[ch] * count) / (count - 1);
    assert.ok(Math.abs(out["bn.running_mean_next"].data[ch] - rm) < 1e-14);
    assert.ok(Math.abs(out["bn.running_var_next"].data[ch] - rv) < 1e-14);
  }
});

Deno.test("batchNorm2d() eval mode with the batch statistics reproduces training mode", () => {
  const train = evalGraph(build(true), feeds).y.data;
  const [mean, variance] = batchStats(feeds.x);
  const fixed = {
    ...feeds,
    "bn.running_mean": Float64Array.from(mean),
    // NOTE: the eval node's ε is the float32-rounded attribute; add back the difference.
    "bn.running_var": Float64Array.from(variance, (v) => v + 1e-5 - Math.fround(1e-5)),
  };
  const evalOut = evalGraph(build(false), fixed).y.data;
  evalOut.forEach((v, k) => assert.ok(Math.abs(v - train[k]) < 1e-12, `${k}: ${v} ${train[k]}`));
});

Deno.test("batchNorm2d() training mode passes a float64 gradient check through the batch statistics", async () => {
  const err = await checkGradients(
    { x: SHAPE },
    (b, [x]) => batchNorm2d(b, x, "bn", { training: true }),
    feeds,
  );
  console.log(
    `BN training: ref ${err.ref.toExponential(2)} ort(float64) ${err.ort.toExponential(2)}`,
  );
  assert.ok(err.ref <= 1e-6 && err.ort <= 1e-6, JSON.stringify(err));
});

Deno.test("batchNorm2d() closed-form backward equals autodiff through its primitives (x, γ, β)", () => {
  const grads = (derivedGradient: boolean) => {
    const b = new GraphBuilder("bn_grad");
    const x = b.input("x", "float64", SHAPE);
    const y = batchNorm2d(b, x, "bn", { training: true, derivedGradient });
    const r = b.constant("r", "float64", SHAPE, seeded(24, 7));
    const loss = b.emit("ReduceSum", [b.emit("Mul", [y, r]), b.int64s("axes", [0, 1, 2, 3])], {
      keepdims: 0,
    });
    const wrt = [x, b.get("bn.weight"), b.get("bn.bias")];
    emitBackward(b, loss, wrt).forEach((g) => b.output(g));
    const out = evalGraph(b.build(), feeds);
    return wrt.map((w) => out[`${w.name}_grad`].data);
  };
  const [closed, derived] = [grads(false), grads(true)];
  closed.forEach((g, i) => {
    const err = relErr(g, derived[i]);
    assert.ok(err <= 1e-12, `input ${i}: relative error ${err}`);
  });
});
