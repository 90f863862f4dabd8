import assert from "node:assert/strict";
import { GraphBuilder, relErr, seeded } from "../autodiff/mod.ts";
import { evalGraph, runGraph, toFloat64 } from "../onnx/mod.ts";
import { denseChain, type DenseLayer } from "./dense.ts";
import { mlpLayers } from "./mlp.ts";
import { type LrGroups, ntkGram } from "./ntk.ts";
import { twoLayerLinearLayers, twoLayerReluLayers } from "./two_layer.ts";

type Feeds = Record<string, Float64Array>;

/** Θ = Σ_p η_p J_p J_pᵀ with J from central differences of the forward chain (reference). */
function fdNtk(
  layers: readonly DenseLayer[],
  xShape: number[],
  feeds: Feeds,
  lr: Feeds,
  groups: LrGroups,
) {
  const b = new GraphBuilder("fwd");
  b.output(denseChain(b, b.input("x", "float64", xShape), layers).at(-1)!.out, "f");
  const graph = b.build();
  const lrOf = (p: string) =>
    lr[Object.entries(groups).find(([, ps]) => ps.includes(p))?.[0] ?? "lr"][0];
  const m = xShape[0] * layers.at(-1)!.fanOut;
  const theta = new Float64Array(m * m);
  const h = 1e-6;
  for (const p of b.params) {
    for (let e = 0; e < feeds[p].length; e++) {
      const at = (d: number) => {
        const v = Float64Array.from(feeds[p]);
        v[e] += d;
        return evalGraph(graph, { ...feeds, [p]: v }).f.data;
      };
      const [fp, fm] = [at(h), at(-h)];
      const col = fp.map((v, i) => (v - fm[i]) / (2 * h));
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < m; j++) theta[i * m + j] += lrOf(p) * col[i] * col[j];
      }
    }
  }
  return theta;
}

async function ntkOf(
  layers: readonly DenseLayer[],
  xShape: number[],
  feeds: Feeds,
  groups: LrGroups,
) {
  const b = new GraphBuilder("ntk");
  b.output(ntkGram(b, b.input("x", "float64", xShape), layers, groups));
  const graph = b.build();
  const ort = toFloat64((await runGraph(graph, feeds)).ntk.data);
  const ref = evalGraph(graph, feeds).ntk.data;
  return { ort, ref };
}

function paramFeeds(layers: readonly DenseLayer[], seed: number): Feeds {
  const f: Feeds = {};
  layers.forEach((l, k) => {
    f[`${l.name}.weight`] = seeded(l.fanIn * l.fanOut, seed + k);
    if (l.bias) f[`${l.name}.bias`] = seeded(l.fanOut, seed + 10 + k);
  });
  return f;
}

for (const scaled of [false, true]) {
  const what = scaled ? " and input/output multipliers on every layer" : "";
  Deno.test(`ntkGram() of an MLP with k = 3 outputs${what} matches finite differences`, async () => {
    const layers = mlpLayers({ sizes: [3, 4, 5, 3], bias: true }).map((l, i) =>
      scaled ? { ...l, inputScale: [0.6, 1.7, 0.4][i], outputScale: [1.3, 0.7, 2][i] } : l
    );
    const groups = { lr_out: ["fc3.weight", "fc3.bias"], lr_bias: ["fc1.bias", "fc2.bias"] };
    const lr = {
      lr: new Float64Array([0.5]),
      lr_out: new Float64Array([2]),
      lr_bias: new Float64Array([0.25]),
    };
    const feeds = { x: seeded(4 * 3, 1), ...paramFeeds(layers, 2), ...lr };
    const { ort, ref } = await ntkOf(layers, [4, 3], feeds, groups);
    const fd = fdNtk(layers, [4, 3], feeds, lr, groups);
    const e = { ort: relErr(ort, fd), ref: relErr(ref, fd) };
    console.log(
      `ntk mlp 3-4-5-3${what} (12x12): ort ${e.ort.toExponential(2)} ref ${e.ref.toExponential(2)}`,
    );
    assert.equal(ort.length, 12 * 12);
    // with multipliers ONNX Runtime is off by ~1.5e-8: its optimiser folds a scalar Mul into a
    // FusedMatMul, whose alpha attribute is float32 (README, Tests); the evaluator stays ~1e-10
    assert.ok(e.ort <= 1e-6 && e.ref <= 1e-6);
  });
}

Deno.test("ntkGram() of the two-layer ReLU net equals the closed form of SPEC 5.1", async () => {
  const [d, dim, p, gamma, c] = [6, 3, 5, 0.7, 1 / Math.sqrt(3)];
  const layers = twoLayerReluLayers({ width: d, gamma, inputScale: c }, dim);
  const groups = { lr_w: ["fc1.weight"], lr_u: ["fc2.weight"] };
  const [etaW, etaU] = [0.3, 1.7];
  const feeds: Feeds = {
    x: seeded(p * dim, 3),
    ...paramFeeds(layers, 4),
    lr_w: new Float64Array([etaW]),
    lr_u: new Float64Array([etaU]),
  };
  const { ort, ref } = await ntkOf(layers, [p, dim], feeds, groups);
  const w = feeds["fc1.weight"];
  const u = feeds["fc2.weight"];
  const pre = (i: number, q: number) =>
    c * [0, 1, 2].reduce((s, a) => s + w[q * dim + a] * feeds.x[i * dim + a], 0);
  const closed = new Float64Array(p * p).map((_, ij) => {
    const [i, j] = [Math.floor(ij / p), ij % p];
    const xx = [0, 1, 2].reduce((s, a) => s + feeds.x[i * dim + a] * feeds.x[j * dim + a], 0);
    let sum = 0;
    for (let q = 0; q < d; q++) {
      const [a, b] = [pre(i, q), pre(j, q)];
      sum += etaU * Math.max(a, 0) * Math.max(b, 0) +
        etaW * c * c * xx * u[q] ** 2 * (a > 0 && b > 0 ? 1 : 0);
    }
    return gamma ** 2 * sum;
  });
  const e = { ort: relErr(ort, closed), ref: relErr(ref, closed) };
  console.log(
    `ntk two-layer ReLU vs closed form: ort ${e.ort.toExponential(2)} ref ${
      e.ref.toExponential(2)
    }`,
  );
  assert.ok(e.ort <= 1e-12 && e.ref <= 1e-12);
});

Deno.test("ntkGram() of the linear net is γ²(η_u|w|² + η_w|u|²)·x xᵀ", async () => {
  const [d, gamma, etaW, etaU] = [4, 0.5, 0.2, 0.9];
  const layers = twoLayerLinearLayers({ width: d, gamma });
  const x = Float64Array.from([1, -2, 0.5]);
  const feeds: Feeds = {
    x,
    ...paramFeeds(layers, 9),
    lr_w: new Float64Array([etaW]),
    lr_u: new Float64Array([etaU]),
  };
  const { ort } = await ntkOf(layers, [3, 1], feeds, {
    lr_w: ["fc1.weight"],
    lr_u: ["fc2.weight"],
  });
  const sq = (v: Float64Array) => v.reduce((s, a) => s + a * a, 0);
  const kk = gamma ** 2 * (etaU * sq(feeds["fc1.weight"]) + etaW * sq(feeds["fc2.weight"]));
  const closed = new Float64Array(9).map((_, ij) => kk * x[Math.floor(ij / 3)] * x[ij % 3]);
  assert.ok(relErr(ort, closed) <= 1e-12, `${relErr(ort, closed)}`);
});
