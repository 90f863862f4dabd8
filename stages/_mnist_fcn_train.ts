/**
 * One Figure 2 run (SPEC 5.3): the four-layer ReLU FCN 784-512-512-512-10 (no biases) on MNIST,
 * Kaiming-normal weights times σ in every layer, SGD on ½·MSE to one-hot targets, batch 128.
 * Logs ζ, ζ_s, A_l, R_l on a fixed probe set, and train/test accuracy after every epoch; resumes
 * from a per-epoch checkpoint in the stage's work directory. Imported by the stage inside run().
 */
import { mlp, mlpLayers } from "../models/arch/mlp.ts";
import { trainStep } from "../models/autodiff/sgd.ts";
import { initDense } from "../models/init/init.ts";
import { NtkProbe } from "../models/train/ntk_probe.ts";
import { constantLr } from "../models/train/schedule.ts";
import { train } from "../models/train/trainer.ts";
import { STEPS_PER_CALL } from "../models/train/unroll.ts";
import { firstPerClass, gather } from "../data/batch.ts";
import { readMnist } from "../data/idx.ts";
import { standardizeMnist } from "../data/normalize.ts";
import type { StageContext } from "../pipeline/mod.ts";
import { topEigenvalue } from "./_linalg.ts";
import { best, dropFrom, loadLog, type Row, saveLog, writeRun } from "./_run_log.ts";
import { checkRows, type RunPlan } from "./_run_graphs.ts";
import { accuracyRow, epochOptions, evaluator, rowsOf } from "./_epoch_run.ts";

export type FcnParams = {
  sigma: number;
  seed: number;
  epochs: number;
  baseLr: number;
  batch: number;
  perClass: number;
  probe: number;
  logEvery: number;
  ep: string;
};

const SPEC = { sizes: [784, 512, 512, 512, 10], bias: false };

function load(dir: string, split: "train" | "t10k") {
  const read = (name: string) => ({ name, bytes: Deno.readFileSync(`${dir}/${name}`) });
  const set = readMnist({
    images: read(`${split}-images-idx3-ubyte`),
    labels: read(`${split}-labels-idx1-ubyte`),
  });
  return { x: standardizeMnist(set.x), labels: set.labels };
}

/** MNIST's training and test sets. */
const [MNIST_TRAIN_ROWS, MNIST_TEST_ROWS] = [60000, 10000];

/**
 * The run's graphs: the training step, the evaluation (batch 1000) on the train and test sets,
 * and the NTK probe on the first `probe` training images.
 */
export function mnistFcnPlan(p: FcnParams): Required<RunPlan> {
  const forward = (b: Parameters<typeof mlp>[0], x: Parameters<typeof mlp>[1]) => mlp(b, x, SPEC);
  const loss = { kind: "mse" as const, accuracy: true };
  const counts = [p.perClass > 0 ? 10 * p.perClass : MNIST_TRAIN_ROWS, MNIST_TEST_ROWS];
  // the evaluation graph is the training step's forward and loss, without backward or update
  const common = { dtype: "float32" as const, inputShape: [784], forward, loss };
  return {
    train: { ...common, name: "mnist_fcn", batch: p.batch },
    stepsPerCall: STEPS_PER_CALL,
    evals: {
      spec: (batch) => ({ ...common, name: "mnist_eval", batch }),
      batchSize: 1000,
      counts,
    },
    ntk: { layers: mlpLayers(SPEC), count: Math.min(p.probe, counts[0]), dtype: "float32" },
  };
}

export async function runMnistFcn(ctx: StageContext<FcnParams>): Promise<void> {
  const p = ctx.params;
  const plan = mnistFcnPlan(p);
  const full = load(ctx.inputs.mnist, "train");
  const train0 = p.perClass > 0 ? gather(full, firstPerClass(full.labels, p.perClass)) : full;
  const test = load(ctx.inputs.mnist, "t10k");
  checkRows("train", plan.evals.counts[0], train0.labels.length);
  checkRows("test", plan.evals.counts[1], test.labels.length);
  const layers = plan.ntk.layers;
  const params = initDense(layers, {
    rule: "kaiming",
    seed: p.seed,
    dtype: "float32",
    sigma: p.sigma,
  });
  const probe = await NtkProbe.create({
    layers,
    probe: train0.x.data.slice(0, plan.ntk.count * 784),
    dtype: plan.ntk.dtype,
    rates: { lr: 1 },
    threads: ctx.threads,
  });
  await probe.setReference(params);
  // Stability rule (SPEC 5.1): lr · λ_max(Θ0)/P ≤ 1 on the probe set; else the base rate.
  const rowsP = plan.ntk.count;
  const lambda0 = topEigenvalue(await probe.gram(params), rowsP * 10) / rowsP;
  const lr = Math.min(p.baseLr, 1 / lambda0);
  ctx.log(`sigma=${p.sigma} seed=${p.seed}: lambda0=${lambda0} lr=${lr}`);
  const n = train0.labels.length;
  const step = trainStep(plan.train);
  // Logs survive an interruption beside the trainer's checkpoint; steps logged again after a
  // resume replace their earlier rows (they are recomputed identically).
  const saved = `${ctx.workDir}/log.json`;
  const { log, epochs } = await loadLog<{ log: Row[]; epochs: Row[] }>(saved, {
    log: [],
    epochs: [],
  });
  const evalOn = evaluator(plan.evals, ctx.threads);
  const perEpoch = Math.floor(n / p.batch);
  const total = p.epochs * perEpoch;
  const { batches, ...options } = epochOptions(ctx, n);
  const result = await train({
    ...options,
    step,
    params,
    data: { ...rowsOf(train0), batches },
    schedule: constantLr({ lr }),
    stepsPerCall: plan.stepsPerCall,
    // the measures every logEvery steps; the accuracies after every epoch, whether or not a
    // logged step ends it
    logEvery: p.logEvery,
    logEachEpoch: true,
    // the logs are saved before each epoch's checkpoint, so a resumed run keeps every row
    checkpoint: { ...options.checkpoint, beforeSave: () => saveLog(saved, { log, epochs }) },
    onLog: async (k, info) => {
      if (k % p.logEvery === 0 || k === total) {
        dropFrom(log, "step", k);
        const m = await probe.measure(info.params);
        const row: Record<string, number> = {
          step: k,
          zeta: m.zeta,
          zeta_signed: m.zetaSigned,
          loss: info.loss,
        };
        m.alignment.forEach((a, i) => (row[`A${i + 1}`] = a));
        m.normRatio.forEach((r, i) => (row[`R${i + 1}`] = r));
        log.push(row);
      }
      if (k > 0 && k % perEpoch === 0) {
        dropFrom(epochs, "epoch", k / perEpoch);
        const [tr, te] = [await evalOn(train0, info.params), await evalOn(test, info.params)];
        epochs.push(accuracyRow(k / perEpoch, tr, te));
      }
    },
  });
  await writeRun(ctx, n, result, {
    lr,
    lambda0,
    bestTrainAcc: best(epochs, "train_acc"),
    bestTestAcc: best(epochs, "test_acc"),
  }, { log, epochs });
}
