/**
 * Gradient descent on the solvable model through the ONNX trainer (issue 5: theory-vs-gd's GD
 * runs through ONNX Runtime): f(x) = γ(u·w)x in float64 with per-layer rates η_u, η_w, full
 * batch on n scalar inputs with E[x²] = m2 and y = a·x exactly, so the loss is ½·m2·(g − a)²
 * plus a constant. Imported by the stage inside run(): it loads ONNX Runtime.
 */
import { twoLayerLinear } from "../models/arch/two_layer.ts";
import { trainStep } from "../models/autodiff/sgd.ts";
import type { LinearProblem } from "../models/linear/problem.ts";
import { constantLr } from "../models/train/schedule.ts";
import { train } from "../models/train/trainer.ts";
import { STEPS_PER_CALL } from "../models/train/unroll.ts";
import { solvableData } from "../data/synthetic.ts";
import type { RunPlan } from "./_run_graphs.ts";

/** Observables at one logged step, as models/linear's gradientDescent reports them. */
export interface GdSeries {
  steps: number[];
  g: number[];
  k: number[];
  cosTheta: number[];
  normU: number[];
  normW: number[];
  divergedAt: number | null;
}

const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** The full-batch float64 step at width `d` and output scale γ, rates η_u and η_w as inputs. */
export function linearGdPlan(d: number, gamma: number): RunPlan {
  return {
    train: {
      name: `linear_d${d}`,
      dtype: "float64",
      batch: 16,
      inputShape: [1],
      forward: (b, input) => twoLayerLinear(b, input, { width: d, gamma }),
      loss: { kind: "mse" },
      lrGroups: { eta_u: ["fc2.weight"], eta_w: ["fc1.weight"] },
    },
    stepsPerCall: STEPS_PER_CALL,
  };
}

export async function onnxGradientDescent(
  problem: LinearProblem,
  u0: Float64Array,
  w0: Float64Array,
  steps: number,
  every: number,
  threads: number,
): Promise<GdSeries> {
  const plan = linearGdPlan(u0.length, problem.gamma);
  const n = plan.train.batch;
  const { x, y } = solvableData({ n, m2: problem.m2, a: problem.a, seed: 0 });
  const step = trainStep(plan.train);
  const out: GdSeries = {
    steps: [],
    g: [],
    k: [],
    cosTheta: [],
    normU: [],
    normW: [],
    divergedAt: null,
  };
  const all = [Uint32Array.from({ length: n }, (_, i) => i)];
  const result = await train({
    step,
    params: { "fc1.weight": w0.slice(), "fc2.weight": u0.slice() },
    data: { count: n, x, y, batches: () => all },
    schedule: constantLr({ eta_u: problem.etaU, eta_w: problem.etaW }),
    epochs: steps,
    threads,
    stepsPerCall: plan.stepsPerCall,
    logEvery: every,
    onLog: (k, info) => {
      const u = info.params["fc2.weight"] as Float64Array;
      const w = info.params["fc1.weight"] as Float64Array;
      const [nu, nw] = [norm(u), norm(w)];
      const uw = u.reduce((s, v, i) => s + v * w[i], 0);
      out.steps.push(k);
      out.g.push(problem.gamma * uw);
      out.k.push(problem.gamma ** 2 * (problem.etaU * nw * nw + problem.etaW * nu * nu));
      out.cosTheta.push(nu > 0 && nw > 0 ? uw / (nu * nw) : 0);
      out.normU.push(nu);
      out.normW.push(nw);
    },
  });
  if (result.diverged) out.divergedAt = result.step;
  return out;
}
