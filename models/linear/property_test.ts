import assert from "node:assert/strict";
import { createRng, type Rng } from "../rng.ts";
import { closedForm } from "./trajectory.ts";
import { parameterFlow, reducedOde } from "./flows.ts";
import { expectedGram, sampleInit } from "./init.ts";
import { type LinearProblem, prepareInit, prepareInitFromGram } from "./problem.ts";
import { spanningTimes } from "./_testing.ts";

const logUniform = (rng: Rng, lo: number, hi: number) =>
  Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng.uniform());

/** Random problem over the ranges of the brief: d 1..1e6, β 1e-3..1e3, σ 1e-6..1e3. */
function randomSetting(rng: Rng, maxWidth: number) {
  const d = Math.max(1, Math.round(logUniform(rng, 1, maxWidth)));
  const beta = logUniform(rng, 1e-3, 1e3);
  const etaU = logUniform(rng, 1e-2, 1);
  const problem: LinearProblem = {
    gamma: logUniform(rng, 0.1, 10) / Math.sqrt(d),
    etaU,
    etaW: beta * etaU,
    m2: logUniform(rng, 0.1, 10),
    a: (rng.uniform() < 0.5 ? -1 : 1) * logUniform(rng, 0.1, 10),
  };
  const sigma = logUniform(rng, 1e-6, 1e3);
  const sigmaU = sigma * logUniform(rng, 0.3, 3);
  const sigmaW = sigma * logUniform(rng, 0.3, 3);
  return { d, problem, sigmaU, sigmaW };
}

Deno.test("closedForm() is finite and matches the reduced ODE to 1e-9 on 200 random problems", () => {
  const rng = createRng(2025);
  let worst = 0;
  for (let n = 0; n < 200; n++) {
    const { d, problem, sigmaU, sigmaW } = randomSetting(rng, 1e6);
    const init = prepareInitFromGram(problem, expectedGram(d, sigmaU, sigmaW, rng.normal()), d);
    const times = spanningTimes(problem, init);
    const tr = closedForm(problem, init, times);
    const ode = reducedOde(problem, init, times, { rtol: 1e-12 });
    const scale = Math.max(Math.abs(problem.a), Math.abs(init.g0));
    const lo = Math.min(init.g0, problem.a), hi = Math.max(init.g0, problem.a);
    const tag = `case ${n}: d=${d} ${JSON.stringify(problem)} sigma=${sigmaU},${sigmaW}`;
    assert.equal(tr.status, "converged", tag);
    for (let i = 0; i < times.length; i++) {
      for (const v of [tr.g[i], tr.k[i], tr.normU[i], tr.normW[i], tr.cosTheta[i], tr.logZ[i]]) {
        assert.ok(Number.isFinite(v), `${tag}: non-finite output at t=${times[i]}`);
      }
      assert.ok(tr.g[i] >= lo - 1e-12 * scale && tr.g[i] <= hi + 1e-12 * scale, tag);
      assert.ok(Math.abs(tr.cosTheta[i]) <= 1, tag);
      const eg = Math.abs(tr.g[i] - ode.g[i]) / scale;
      const ek = Math.abs(tr.k[i] - ode.k[i]) / ode.k[i];
      worst = Math.max(worst, eg, ek);
      assert.ok(eg < 1e-9 && ek < 1e-9, `${tag}: t=${times[i]} errors ${eg}, ${ek}`);
    }
  }
  assert.ok(worst > 0);
});

Deno.test("closedForm() matches the parameter flow to 1e-8 on 20 random small-width problems", () => {
  const rng = createRng(7);
  for (let n = 0; n < 20; n++) {
    const { d, problem, sigmaU, sigmaW } = randomSetting(rng, 30);
    const { u0, w0 } = sampleInit(rng, d, sigmaU, sigmaW);
    const init = prepareInit(problem, u0, w0);
    const times = spanningTimes(problem, init);
    const tr = closedForm(problem, init, times);
    const pf = parameterFlow(problem, u0, w0, times, { rtol: 1e-12, atol: 1e-300 });
    const scale = Math.max(Math.abs(problem.a), Math.abs(init.g0));
    for (let i = 0; i < times.length; i++) {
      const o = pf.observables[i];
      const errs = [
        Math.abs(tr.g[i] - o.g) / scale,
        Math.abs(tr.k[i] - o.k) / o.k,
        Math.abs(tr.normU[i] - o.normU) / o.normU,
        Math.abs(tr.normW[i] - o.normW) / o.normW,
        Math.abs(tr.cosTheta[i] - o.cosTheta),
      ];
      assert.ok(Math.max(...errs) < 1e-8, `case ${n} d=${d}: t=${times[i]} errors ${errs}`);
    }
  }
});
