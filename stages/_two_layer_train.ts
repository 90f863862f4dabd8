/**
 * One two-layer ReLU run of Figure 1 / Appendix C (SPEC 5.1, 5.2): full-batch gradient descent
 * through ONNX Runtime on the synthetic task, ζ and ζ_s on a fixed probe set every `logEvery`
 * steps. Imported by the stage only inside run(): it loads ONNX Runtime.
 */
import { denseChain, type DenseLayer } from "../models/arch/dense.ts";
import { twoLayerReluLayers } from "../models/arch/two_layer.ts";
import { trainStep } from "../models/autodiff/sgd.ts";
import { initDense } from "../models/init/init.ts";
import {
  type TableVariant,
  type TwoLayerName,
  twoLayerSetup,
} from "../models/init/two_layer_table.ts";
import { NtkProbe } from "../models/train/ntk_probe.ts";
import { constantLr } from "../models/train/schedule.ts";
import { train } from "../models/train/trainer.ts";
import { STEPS_PER_CALL } from "../models/train/unroll.ts";
import { classificationTask, regressionTask } from "../data/synthetic.ts";
import type { StageContext } from "../pipeline/mod.ts";
import { topEigenvalue } from "./_linalg.ts";
import type { RunPlan } from "./_run_graphs.ts";

export type RunParams = {
  task: "regression" | "classification";
  table: TableVariant;
  name: TwoLayerName;
  width: number;
  inputDim: number;
  n: number;
  classes: number;
  steps: number;
  logEvery: number;
  probe: number;
  dataSeed: number;
  initSeed: number;
  dtype: "float32" | "float64";
  ep: string;
};

/**
 * The run's graphs: the full-batch training step and the NTK probe on the first `probe` inputs.
 * The 10-class head is the scalar head with fanOut `classes` (SPEC 5.2: u ∈ R^{d×10}).
 */
export function twoLayerPlan(
  p: RunParams,
): Required<Pick<RunPlan, "train" | "ntk" | "stepsPerCall">> {
  const setup = twoLayerSetup(p.name, p.table, p.width, p.inputDim);
  const classify = p.task === "classification";
  const base = twoLayerReluLayers({
    width: p.width,
    gamma: setup.gamma,
    inputScale: setup.inputScale,
  }, p.inputDim);
  const layers: DenseLayer[] = [base[0], { ...base[1], fanOut: classify ? p.classes : 1 }];
  return {
    train: {
      name: `two_layer_${p.task}`,
      dtype: p.dtype,
      batch: p.n,
      inputShape: [p.inputDim],
      forward: (b, input) => denseChain(b, input, layers).at(-1)!.out,
      loss: classify ? { kind: "softmax_ce", labels: "index" } : { kind: "mse" },
    },
    ntk: { layers, count: Math.min(p.probe, p.n), dtype: p.dtype },
    stepsPerCall: STEPS_PER_CALL,
  };
}

export async function runTwoLayer(ctx: StageContext<RunParams>): Promise<void> {
  const p = ctx.params;
  const setup = twoLayerSetup(p.name, p.table, p.width, p.inputDim);
  const classify = p.task === "classification";
  const plan = twoLayerPlan(p);
  const layers = plan.ntk.layers;
  const data = classify
    ? (() => {
      const t = classificationTask({
        n: p.n,
        dim: p.inputDim,
        seed: p.dataSeed,
        classes: p.classes,
      });
      return { x: t.x.data, y: t.labels };
    })()
    : (() => {
      const t = regressionTask({ n: p.n, dim: p.inputDim, seed: p.dataSeed });
      return { x: t.x.data, y: t.y };
    })();
  const cast = (a: Float32Array) => p.dtype === "float64" ? Float64Array.from(a) : a;
  const x = cast(data.x);
  const y = data.y instanceof Float32Array ? cast(data.y) : data.y;
  const step = trainStep(plan.train);
  const params = initDense(layers, { rule: setup.init, seed: p.initSeed, dtype: p.dtype });
  const probe = await NtkProbe.create({
    layers,
    probe: x.slice(0, plan.ntk.count * p.inputDim),
    dtype: plan.ntk.dtype,
    rates: { lr: setup.lr },
    threads: ctx.threads,
  });
  await probe.setReference(params);
  const outputs = classify ? p.classes : 1;
  const rowsP = plan.ntk.count;
  // The probe's Gram is the learning-rate-weighted NTK (ζ, a ratio, is the same either way):
  // its top eigenvalue over P is lr·λ0, the quantity GD's stability compares with 2; λ0 itself
  // is that of the plain NTK, as in Figure 2's runs (stages/_mnist_fcn_train.ts).
  const lrLambda0 = topEigenvalue(await probe.gram(params), rowsP * outputs) / rowsP;
  const lambda0 = lrLambda0 / setup.lr;
  ctx.log(
    `${p.table} ${p.name} d=${p.width}: gamma=${setup.gamma} lr=${setup.lr} ` +
      `lambda0=${lambda0} lr*lambda0=${lrLambda0}`,
  );
  const rows: { step: number; zeta: number; zeta_signed: number; loss: number }[] = [];
  const all = [Array.from({ length: p.n }, (_, i) => i)];
  const result = await train({
    step,
    params,
    data: { count: p.n, x, y, batches: () => all },
    schedule: constantLr({ lr: setup.lr }),
    epochs: p.steps,
    ep: p.ep as "cpu",
    threads: ctx.threads,
    stepsPerCall: plan.stepsPerCall,
    logEvery: p.logEvery,
    onLog: async (k, info) => {
      const m = await probe.measure(info.params);
      rows.push({ step: k, zeta: m.zeta, zeta_signed: m.zetaSigned, loss: info.loss });
    },
    onProgress: (done, total) => ctx.progress({ done, total, unit: "steps" }),
  });
  const last = rows.at(-1);
  const summary = {
    ...p,
    gamma: setup.gamma,
    lr: setup.lr,
    regime: setup.expected,
    lambda0,
    lrLambda0,
    diverged: result.diverged,
    divergedAt: result.diverged ? result.step : null,
    zetaFinal: result.diverged ? null : last?.zeta ?? null,
    zetaSignedFinal: result.diverged ? null : last?.zeta_signed ?? null,
    lossFinal: result.diverged ? null : result.losses.at(-1) ?? null,
  };
  ctx.log(JSON.stringify(summary));
  await Deno.writeTextFile(`${ctx.outDir}/run.json`, JSON.stringify({ summary, rows }) + "\n");
}
