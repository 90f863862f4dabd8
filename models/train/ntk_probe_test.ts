import assert from "node:assert/strict";
import { mlpLayers, twoLayerLinearLayers } from "../arch/mod.ts";
import { initDense } from "../init/mod.ts";
import { createRng } from "../rng.ts";
import { LINEAR_GROUPS, linearData, linearStep } from "./_testing.ts";
import { NtkProbe } from "./ntk_probe.ts";
import { constantLr } from "./schedule.ts";
import { train } from "./trainer.ts";

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

Deno.test("NtkProbe on the linear network gives ζ = |K/K0 − 1|, A = |cos θ|, R = |w|/|w0| (SPEC 3.1, 3.2)", async () => {
  const [d, gamma, etaU, etaW, n] = [20, 1, 0.005, 0.0025, 16];
  const rng = createRng(4);
  const w0 = rng.fillNormal(new Float64Array(d), 0.05);
  const u0 = rng.fillNormal(new Float64Array(d), 0.05);
  const rates = { eta_u: etaU, eta_w: etaW };
  const probe = await NtkProbe.create({
    layers: twoLayerLinearLayers({ width: d, gamma }),
    probe: new Float64Array([0.5, -1, 2]),
    dtype: "float64",
    lrGroups: LINEAR_GROUPS,
    rates,
    threads: 1,
  });
  const k = (u: Float64Array, w: Float64Array) =>
    gamma ** 2 * (etaU * dot(w, w) + etaW * dot(u, u));
  const k0 = k(u0, w0);
  let checked = 0;
  let maxZeta = 0;
  try {
    await probe.setReference({ "fc1.weight": w0, "fc2.weight": u0 });
    const result = await train({
      step: linearStep(d, gamma, n),
      params: { "fc1.weight": w0, "fc2.weight": u0 },
      data: linearData(n, 1, 2),
      schedule: constantLr(rates),
      epochs: 2000,
      threads: 1,
      logEvery: 250,
      onLog: async (_, info) => {
        const m = await probe.measure(info.params);
        const u = info.params["fc2.weight"] as Float64Array;
        const w = info.params["fc1.weight"] as Float64Array;
        const ratio = k(u, w) / k0;
        assert.ok(Math.abs(m.zeta - Math.abs(ratio - 1)) < 1e-10, `ζ ${m.zeta} vs ${ratio - 1}`);
        assert.ok(Math.abs(m.zetaSigned - (ratio - 1)) < 1e-10);
        const cos = Math.abs(dot(u, w)) / Math.sqrt(dot(u, u) * dot(w, w));
        assert.ok(rel(m.alignment[0], cos) < 1e-10, `A ${m.alignment[0]} vs ${cos}`);
        assert.ok(rel(m.normRatio[0], Math.sqrt(dot(w, w) / dot(w0, w0))) < 1e-12);
        assert.ok(rel(m.normRatio[1], Math.sqrt(dot(u, u) / dot(u0, u0))) < 1e-12);
        const du = u.map((v, i) => v - u0[i]);
        const dw = w.map((v, i) => v - w0[i]);
        const change = Math.sqrt((dot(du, du) + dot(dw, dw)) / (dot(u0, u0) + dot(w0, w0)));
        assert.ok(rel(m.paramChange, change) < 1e-12 || change === 0);
        maxZeta = Math.max(maxZeta, m.zeta);
        checked++;
      },
    });
    assert.equal(result.diverged, false);
  } finally {
    await probe.release();
  }
  assert.equal(checked, 9);
  console.log(`  small init: ζ reaches ${maxZeta.toFixed(1)} (alignment then rescaling)`);
  assert.ok(maxZeta > 1, "small init learns features: the NTK grows by O(1) or more");
});

Deno.test("NtkProbe alignment A_l of an MLP equals ‖W_{l+1}W_l‖/(‖W_{l+1}‖‖W_l‖) computed directly", async () => {
  const layers = mlpLayers({ sizes: [5, 7, 6, 3], bias: true });
  const params = initDense(layers, { rule: "kaiming", seed: 2, dtype: "float64" });
  const probe = await NtkProbe.create({
    layers,
    probe: createRng(1).fillNormal(new Float64Array(4 * 5)),
    dtype: "float64",
    rates: { lr: 0.1 },
    threads: 1,
  });
  try {
    const m = await probe.measure(params);
    assert.deepEqual([m.zeta, m.zetaSigned, m.paramChange], [0, 0, 0]);
    const gram = await probe.gram(params);
    assert.equal(gram.length, 12 * 12);
    for (let i = 0; i < 12; i++) {
      for (let j = 0; j < i; j++) {
        assert.ok(Math.abs(gram[i * 12 + j] - gram[j * 12 + i]) < 1e-12);
      }
    }
    const fro = (a: Float64Array) => Math.sqrt(dot(a, a));
    for (let l = 0; l < 2; l++) {
      const [lo, hi] = [layers[l], layers[l + 1]];
      const a = params[`${hi.name}.weight`] as Float64Array;
      const b = params[`${lo.name}.weight`] as Float64Array;
      const prod = new Float64Array(hi.fanOut * lo.fanIn);
      for (let i = 0; i < hi.fanOut; i++) {
        for (let j = 0; j < lo.fanIn; j++) {
          for (let k = 0; k < hi.fanIn; k++) {
            prod[i * lo.fanIn + j] += a[i * hi.fanIn + k] * b[k * lo.fanIn + j];
          }
        }
      }
      assert.ok(rel(m.alignment[l], fro(prod) / (fro(a) * fro(b))) < 1e-12, `A_${l + 1}`);
    }
    const doubled = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, (v as Float64Array).map((x) => 2 * x)]),
    );
    const m2 = await probe.measure(doubled);
    assert.deepEqual(m2.normRatio.map((r) => Math.round(r * 1e12) / 1e12), [2, 2, 2]);
    assert.ok(Math.abs(m2.paramChange - 1) < 1e-12);
    assert.ok(m2.zetaSigned > 0);
  } finally {
    await probe.release();
  }
});

Deno.test("NtkProbe paramChange counts the biases: ‖θ − θ0‖/‖θ0‖ over weights and biases", async () => {
  const layers = mlpLayers({ sizes: [5, 7, 3], bias: true });
  const params = initDense(layers, { rule: "kaiming", seed: 2, dtype: "float64" });
  const probe = await NtkProbe.create({
    layers,
    probe: createRng(1).fillNormal(new Float64Array(2 * 5)),
    dtype: "float64",
    rates: { lr: 0.1 },
    threads: 1,
  });
  try {
    await probe.setReference(params);
    // only the biases move, each by 0.5
    const moved = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [
        k,
        k.endsWith(".bias") ? (v as Float64Array).map((x) => x + 0.5) : v,
      ]),
    );
    const all = Object.values(params) as Float64Array[];
    const biases = all.filter((_, i) => Object.keys(params)[i].endsWith(".bias"));
    const count = biases.reduce((s, v) => s + v.length, 0);
    const want = Math.sqrt(0.25 * count / all.reduce((s, v) => s + dot(v, v), 0));
    const m = await probe.measure(moved);
    assert.ok(rel(m.paramChange, want) < 1e-12, `${m.paramChange} vs ${want}`);
    assert.deepEqual(m.normRatio, [1, 1], "the weights did not move");
  } finally {
    await probe.release();
  }
});

Deno.test("NtkProbe.create() refuses a probe set without a whole row", async () => {
  const layers = mlpLayers({ sizes: [5, 7, 3], bias: true });
  for (const length of [0, 7]) {
    await assert.rejects(
      NtkProbe.create({
        layers,
        probe: new Float64Array(length),
        dtype: "float64",
        rates: { lr: 0.1 },
      }),
      (e: Error) =>
        e instanceof RangeError &&
        e.message === `Expected probe rows of 5 values but found ${length}`,
    );
  }
});
