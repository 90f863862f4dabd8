import assert from "node:assert/strict";
import { closedForm, prepareInit } from "../linear/mod.ts";
import { createRng } from "../rng.ts";
import { linearData, linearStep, maxAbsDiff, referenceGd } from "./_testing.ts";
import { ParamStore } from "./param_store.ts";
import { constantLr } from "./schedule.ts";
import { train, type TrainResult } from "./trainer.ts";

interface Case {
  name: string;
  d: number;
  gamma: number;
  sigma: number;
  etaU: number;
  etaW: number;
  steps: number;
}

// Kernel-like (NTK scaling, β = 0.5) and small-init (alignment then rescaling) runs, both with
// function-space step m2·K ≤ 0.02 along the whole path (SPEC 2.9; checked at every step).
const CASES: Case[] = [
  { name: "ntk", d: 50, gamma: 1 / Math.sqrt(50), sigma: 1, etaU: 0.01, etaW: 0.005, steps: 400 },
  { name: "small init", d: 20, gamma: 1, sigma: 0.05, etaU: 0.005, etaW: 0.005, steps: 1500 },
];

for (const c of CASES) {
  Deno.test(`train() on the linear network (${c.name}) follows float64 GD to 1e-12 and the exact flow to 0.5% of |a|`, async () => {
    const a = 1;
    const n = 32;
    const data = linearData(n, a, 7);
    const rng = createRng(11);
    const w0 = rng.fillNormal(new Float64Array(c.d), c.sigma);
    const u0 = rng.fillNormal(new Float64Array(c.d), c.sigma);
    const logged: { step: number; g: number; k: number }[] = [];
    const result = await train({
      step: linearStep(c.d, c.gamma, n),
      params: { "fc1.weight": w0, "fc2.weight": u0 },
      data,
      schedule: constantLr({ eta_u: c.etaU, eta_w: c.etaW }),
      epochs: c.steps,
      threads: 1,
      logEvery: 1,
      onLog: (step, info) => {
        const u = info.params["fc2.weight"] as Float64Array;
        const w = info.params["fc1.weight"] as Float64Array;
        const sq = (v: Float64Array) => v.reduce((s, x) => s + x * x, 0);
        logged.push({
          step,
          g: c.gamma * u.reduce((s, v, i) => s + v * w[i], 0),
          k: c.gamma ** 2 * (c.etaU * sq(w) + c.etaW * sq(u)),
        });
      },
    });
    assert.equal(result.diverged, false);
    if (result.diverged) return;
    const ref = referenceGd(u0, w0, c.gamma, c.etaU, c.etaW, {
      x: data.x as Float64Array,
      y: data.y as Float64Array,
    }, c.steps);
    const errU = maxAbsDiff(result.params["fc2.weight"] as Float64Array, ref.u);
    const errW = maxAbsDiff(result.params["fc1.weight"] as Float64Array, ref.w);
    const errL = maxAbsDiff(result.losses, ref.losses);
    assert.ok(Math.max(errU, errW, errL) < 1e-12, `ORT vs TS GD: ${errU} ${errW} ${errL}`);
    const problem = { gamma: c.gamma, etaU: c.etaU, etaW: c.etaW, m2: 1, a };
    const init = prepareInit(problem, u0, w0);
    assert.ok(problem.m2 * init.k0 <= 0.02, `step m2·K0 = ${init.k0}`);
    assert.equal(logged.length, c.steps + 1);
    const kMax = Math.max(...logged.map((l) => l.k));
    assert.ok(problem.m2 * kMax <= 0.02, `largest step m2·K along the path = ${kMax}`);
    const exact = closedForm(problem, init, logged.map((l) => l.step));
    const dev = Math.max(...logged.map((l, i) => Math.abs(l.g - exact.g[i]))) / Math.abs(a);
    console.log(
      `  ${c.name}: GD-vs-TS ${Math.max(errU, errW).toExponential(2)}, ` +
        `g ${logged[0].g.toFixed(4)} -> ${logged.at(-1)!.g.toFixed(4)}, max |g_GD - g_flow|/|a| = ${
          dev.toExponential(2)
        }`,
    );
    assert.ok(dev < 0.005, `deviation from the closed form ${dev}`);
    assert.ok(Math.abs(logged.at(-1)!.g - a) < 0.05, "the run converges toward g = a");
  });
}

Deno.test("train() on the vector-input linear network with data on a line follows the scalar model: only W e moves", async () => {
  // SPEC 1.1 [D]: inputs x = ξ·e in R^{d0}; with W ∈ R^{d×d0}, f = γ ξ u·(W e), so w := W e follows
  // the scalar network's GD exactly and W's part orthogonal to e never changes
  const [d, d0, n, gamma, eta, steps] = [30, 5, 16, 1, 0.01, 300];
  const scalar = linearData(n, 1, 4);
  const rng = createRng(9);
  const e = rng.fillNormal(new Float64Array(d0));
  const norm = Math.sqrt(e.reduce((s, v) => s + v * v, 0));
  e.forEach((v, i) => (e[i] = v / norm));
  const xi = scalar.x as Float64Array;
  const x = Float64Array.from({ length: n * d0 }, (_, k) => xi[Math.floor(k / d0)] * e[k % d0]);
  const W0 = rng.fillNormal(new Float64Array(d * d0), 0.3);
  const u0 = rng.fillNormal(new Float64Array(d), 0.3);
  const we = (W: Float64Array) =>
    Float64Array.from({ length: d }, (_, i) => e.reduce((s, ej, j) => s + W[i * d0 + j] * ej, 0));
  const run = async (step: ReturnType<typeof linearStep>, w: Float64Array, xs: Float64Array) =>
    await train({
      step,
      params: { "fc1.weight": w, "fc2.weight": u0.slice() },
      data: { ...scalar, x: xs },
      schedule: constantLr({ eta_u: eta, eta_w: eta }),
      epochs: steps,
      threads: 1,
    });
  const vec = await run(linearStep(d, gamma, n, d0), W0.slice(), x);
  const sca = await run(linearStep(d, gamma, n), we(W0), xi);
  assert.ok(!vec.diverged && !sca.diverged);
  if (vec.diverged || sca.diverged) return;
  const W = vec.params["fc1.weight"] as Float64Array;
  const errW = maxAbsDiff(we(W), sca.params["fc1.weight"] as Float64Array);
  const errU = maxAbsDiff(
    vec.params["fc2.weight"] as Float64Array,
    sca.params["fc2.weight"] as Float64Array,
  );
  const errL = maxAbsDiff(vec.losses, sca.losses);
  assert.ok(Math.max(errW, errU, errL) < 1e-12, `vector vs scalar: ${errW} ${errU} ${errL}`);
  // W − (W e) eᵀ is W's part orthogonal to e
  const orth = (M: Float64Array) => {
    const m = we(M);
    return M.map((v, k) => v - m[Math.floor(k / d0)] * e[k % d0]);
  };
  assert.ok(maxAbsDiff(orth(W), orth(W0)) < 1e-14, "the orthogonal part is fixed");
  assert.ok(maxAbsDiff(W, W0) > 1e-3, "W moved");
});

Deno.test("train() reports divergence at the step of the first non-finite loss or parameter", async () => {
  const [d, n, gamma, eta] = [10, 16, 1, 50];
  const data = linearData(n, 1, 3);
  const rng = createRng(5);
  const w0 = rng.fillNormal(new Float64Array(d));
  const u0 = rng.fillNormal(new Float64Array(d));
  const ref = referenceGd(u0, w0, gamma, eta, eta, {
    x: data.x as Float64Array,
    y: data.y as Float64Array,
  }, 200);
  assert.notEqual(ref.divergedAt, null, "the reference run diverges");
  const result = await train({
    step: linearStep(d, gamma, n),
    params: { "fc1.weight": w0, "fc2.weight": u0 },
    data,
    schedule: constantLr({ eta_u: eta, eta_w: eta }),
    epochs: 200,
    threads: 1,
  });
  assert.equal(result.diverged, true);
  assert.equal(result.step, ref.divergedAt);
  if (result.diverged) assert.equal(result.message, `Diverged at step ${ref.divergedAt}`);
  console.log(`  diverged at step ${result.step}`);
});

Deno.test("train() with parameters kept on a device reports a non-finite update at the next log or at the end", async () => {
  const [d, n, eta] = [10, 16, 0.01];
  const rng = createRng(6);
  const params = {
    "fc1.weight": rng.fillNormal(new Float64Array(d)),
    "fc2.weight": rng.fillNormal(new Float64Array(d)),
  };
  const base = { step: linearStep(d, 1, n), params, data: linearData(n, 1, 4), threads: 1 };
  // an infinite rate for the update at step `at`: θ_{at+1} is not finite, the loss of θ_at is
  const infiniteAt = (at: number) => ({ step }: { step: number }) => {
    const r = step === at ? Infinity : eta;
    return { eta_u: r, eta_w: r };
  };
  // diverged, the step reported, how many losses and whether all of them are finite
  const outcome = ({ diverged, step, losses }: TrainResult) => {
    return [diverged, step, losses.length, losses.every(isFinite)];
  };
  const runs = async () => {
    const logged: number[] = [];
    const last = await train({ ...base, epochs: 4, schedule: infiniteAt(3) });
    const logging = await train({
      ...base,
      epochs: 6,
      schedule: infiniteAt(1),
      onLog: (k) => void logged.push(k),
      logEvery: 2,
    });
    return [outcome(last), outcome(logging), logged];
  };
  // on the CPU every update is checked on the host
  const host = await runs();
  assert.deepEqual(host, [[true, 4, 4, true], [true, 2, 2, true], [0]]);
  // on WebGPU the updated parameters stay on the device (the host sees none of them): the
  // non-finite θ_4 of the last update is found by the final readback, θ_2 by the log at step 2
  const finiteOnHost = ParamStore.prototype.finiteOnHost;
  let asked = 0;
  ParamStore.prototype.finiteOnHost = () => (asked++, true);
  try {
    assert.deepEqual(await runs(), host);
  } finally {
    ParamStore.prototype.finiteOnHost = finiteOnHost;
  }
  // once per update of the two runs (4 and 2): the stub stood where the host check stands
  assert.equal(asked, 6);
});
