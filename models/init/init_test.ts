import assert from "node:assert/strict";
import { mlpLayers, twoLayerLinearLayers, twoLayerReluLayers } from "../arch/mod.ts";
import { initDense, initStd } from "./init.ts";

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

Deno.test("initDense() is bit-reproducible for a seed and differs across seeds", () => {
  const layers = mlpLayers({ sizes: [20, 30, 10], bias: true });
  const a = initDense(layers, { rule: "kaiming", seed: 42, dtype: "float32" });
  const b = initDense(layers, { rule: "kaiming", seed: 42, dtype: "float32" });
  const c = initDense(layers, { rule: "kaiming", seed: 43, dtype: "float32" });
  assert.deepEqual(Object.keys(a), ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
  for (const k of Object.keys(a)) assert.deepEqual(bytes(a[k]), bytes(b[k]));
  assert.notDeepEqual(bytes(a["fc1.weight"]), bytes(c["fc1.weight"]));
  assert.ok((a["fc1.bias"] as Float32Array).every((v) => v === 0), "biases start at zero");
});

Deno.test("initDense() scales every layer by σ exactly (per layer or shared)", () => {
  const layers = mlpLayers({ sizes: [8, 8, 8, 4], bias: false });
  const one = initDense(layers, { rule: "xavier", seed: 1, dtype: "float64" });
  const four = initDense(layers, { rule: "xavier", seed: 1, dtype: "float64", sigma: 4 });
  const mixed = initDense(layers, {
    rule: "xavier",
    seed: 1,
    dtype: "float64",
    sigma: [1, 0.5, 2],
  });
  for (const k of Object.keys(one)) {
    const [o, f] = [one[k] as Float64Array, four[k] as Float64Array];
    assert.ok(o.every((v, i) => f[i] === 4 * v), k);
  }
  const m3 = mixed["fc3.weight"] as Float64Array;
  assert.ok((one["fc3.weight"] as Float64Array).every((v, i) => m3[i] === 2 * v));
  assert.throws(
    () => initDense(layers, { rule: "xavier", seed: 1, dtype: "float64", sigma: [1] }),
    RangeError,
  );
});

Deno.test("initStd() gives N(0,1), Kaiming fan-in (gain √2 before ReLU, 1 at the output) and Xavier", () => {
  const [hidden, out] = twoLayerReluLayers({ width: 400, gamma: 1, inputScale: 1 }, 10);
  assert.equal(initStd("standard", hidden), 1);
  assert.equal(initStd("kaiming", hidden), Math.sqrt(2 / 10));
  assert.equal(initStd("kaiming", out), Math.sqrt(1 / 400));
  assert.equal(initStd("xavier", hidden), Math.sqrt(2 / 410));
  assert.equal(initStd("xavier", out), Math.sqrt(2 / 401));
  const [w] = twoLayerLinearLayers({ width: 5, gamma: 1 });
  assert.equal(initStd("kaiming", w), 1, "linear layers get gain 1");
  // Sample standard deviation of 4000 draws lies within 5% of the rule.
  const p = initDense([hidden, out], { rule: "kaiming", seed: 7, dtype: "float64" });
  const w1 = p["fc1.weight"] as Float64Array;
  const sd = Math.sqrt(w1.reduce((s, v) => s + v * v, 0) / w1.length);
  assert.ok(Math.abs(sd / Math.sqrt(0.2) - 1) < 0.05, `sample sd ${sd}`);
});

Deno.test("initDense() gives zero biases of the requested dtype, and only to layers with a bias", () => {
  const withBias = initDense(mlpLayers({ sizes: [3, 2], bias: true }), {
    rule: "standard",
    seed: 0,
    dtype: "float64",
  });
  assert.ok(withBias["fc1.bias"] instanceof Float64Array);
  assert.deepEqual(Array.from(withBias["fc1.bias"] as Float64Array), [0, 0]);
  const noBias = initDense(mlpLayers({ sizes: [3, 2, 1], bias: false }), {
    rule: "standard",
    seed: 0,
    dtype: "float64",
  });
  assert.deepEqual(Object.keys(noBias), ["fc1.weight", "fc2.weight"]);
});
