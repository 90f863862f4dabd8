import assert from "node:assert/strict";
import { createRng } from "../rng.ts";
import { closedForm } from "./trajectory.ts";
import { reducedOde } from "./flows.ts";
import { sampleInit } from "./init.ts";
import { prepareInit } from "./problem.ts";
import { spanningTimes } from "./_testing.ts";

Deno.test("closedForm() at width 1e6 with init 1e-6 and 1e3 and β = 1e-3, 1e3 matches the reduced ODE", () => {
  const rng = createRng(1_000_000);
  for (const [sigma, beta] of [[1e-6, 1e-3], [1e3, 1e3]]) {
    const d = 1_000_000;
    const problem = { gamma: 1 / Math.sqrt(d), etaU: 1, etaW: beta, m2: 1, a: -1.5 };
    const { u0, w0 } = sampleInit(rng, d, sigma, sigma);
    const init = prepareInit(problem, u0, w0);
    const times = [...spanningTimes(problem, init), 1e300, Infinity];
    const tr = closedForm(problem, init, times);
    for (const key of ["g", "k", "logZ", "normU", "normW", "cosTheta"] as const) {
      for (const v of tr[key]) assert.ok(Number.isFinite(v), `σ=${sigma}: ${key} = ${v}`);
    }
    const n = times.length - 2;
    const ode = reducedOde(problem, init, times.slice(0, n), { rtol: 1e-12 });
    const scale = Math.max(1.5, Math.abs(init.g0));
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(tr.g[i] - ode.g[i]) < 1e-9 * scale, `σ=${sigma} t=${times[i]}`);
    }
    assert.equal(tr.g[n], -1.5);
    assert.equal(tr.g[n + 1], -1.5);
    assert.ok(Math.abs(tr.k[n + 1] / tr.kInf - 1) < 1e-14);
  }
});
