/**
 * One Figure 3 run (SPEC 5.4, 8): kuangliu's ResNet-18 on CIFAR-10 (optionally narrower), PyTorch
 * default init with every conv/linear weight and the linear bias times σ, SGD momentum 0.9, weight
 * decay 5e-4 on every parameter, cosine learning rate from 0.1 stepped per epoch, batch 128,
 * random crop 32 (padding 4) and horizontal flip; test accuracy after every epoch (batch 100);
 * per-epoch checkpoints. Imported by the stage inside run().
 */
import { pytorchDefaultInit } from "../models/arch/init.ts";
import { resnet18 } from "../models/arch/resnet18.ts";
import { trainStep } from "../models/autodiff/sgd.ts";
import { cosineAnnealingLr } from "../models/train/schedule.ts";
import { train } from "../models/train/trainer.ts";
import { augmentCrop, augmentSeed } from "../data/augment.ts";
import { firstPerClass, gather } from "../data/batch.ts";
import { CIFAR_MEAN, CIFAR_STD } from "../data/normalize.ts";
import type { StageContext } from "../pipeline/mod.ts";
import { CIFAR_TRAIN_BATCHES, loadCifar } from "./_cifar.ts";
import { best, dropFrom, loadLog, type Row, saveLog, writeRun } from "./_run_log.ts";
import { checkRows, type RunPlan } from "./_run_graphs.ts";
import { epochOptions, evaluator, rowsOf } from "./_epoch_run.ts";

export type ResnetParams = {
  sigma: number;
  seed: number;
  width: number;
  epochs: number;
  lr: number;
  batch: number;
  perClass: number;
  testCount: number;
  ep: string;
};

/** CIFAR-10's test set. */
const TEST_ROWS = 10000;

/** The run's graphs: the training step with SPEC 8's optimiser and the test evaluation (batch 100). */
export function resnetPlan(p: ResnetParams): RunPlan & { evals: NonNullable<RunPlan["evals"]> } {
  const spec = { width: p.width, classes: 10, bnMomentum: 0.1 };
  const loss = { kind: "softmax_ce" as const, labels: "index" as const };
  return {
    train: {
      name: "resnet18",
      dtype: "float32",
      batch: p.batch,
      inputShape: [3, 32, 32],
      forward: (b, x) => resnet18(b, x, { ...spec, training: true }),
      loss,
      sgd: { momentum: 0.9, weightDecay: 5e-4 },
    },
    evals: {
      spec: (batch) => ({
        name: "resnet18_eval",
        dtype: "float32",
        batch,
        inputShape: [3, 32, 32],
        forward: (b, x) => resnet18(b, x, { ...spec, training: false }),
        loss,
      }),
      batchSize: 100,
      counts: [Math.min(p.testCount, TEST_ROWS)],
    },
  };
}

/**
 * The training batches' augmentation: kuangliu's random crop (padding 4, black after
 * normalisation) and flip, drawn afresh for every (epoch, batch) from the run seed's own
 * augmentation stream (`augmentSeed`).
 */
export function resnetAugment(
  p: Pick<ResnetParams, "seed" | "batch">,
): (x: Float32Array | Float64Array, epoch: number, batch: number) => Float32Array {
  const fill = CIFAR_MEAN.map((m, c) => -m / CIFAR_STD[c]);
  return (x, e, b) =>
    augmentCrop(
      { shape: [p.batch, 3, 32, 32], data: x as Float32Array },
      augmentSeed(p.seed, e, b),
      { fill },
    ).data;
}

export async function runResnet(ctx: StageContext<ResnetParams>): Promise<void> {
  const p = ctx.params;
  const plan = resnetPlan(p);
  const full = loadCifar(ctx.inputs.cifar, CIFAR_TRAIN_BATCHES);
  const trainSet = p.perClass > 0 ? gather(full, firstPerClass(full.labels, p.perClass)) : full;
  const test0 = loadCifar(ctx.inputs.cifar, ["test_batch.bin"]);
  const test = p.testCount < 10000
    ? gather(test0, Uint32Array.from({ length: p.testCount }, (_, i) => i))
    : test0;
  checkRows("test", plan.evals.counts[0], test.labels.length);
  const step = trainStep(plan.train);
  const init = pytorchDefaultInit([...step.params, ...step.buffers], {
    seed: p.seed,
    sigma: p.sigma,
  });
  const n = trainSet.labels.length;
  const saved = `${ctx.workDir}/epochs.json`;
  const epochs = await loadLog<Row[]>(saved, []);
  const perEpoch = Math.floor(n / p.batch);
  const evalOn = evaluator(plan.evals, ctx.threads);
  const { batches, ...options } = epochOptions(ctx, n);
  const result = await train({
    ...options,
    step,
    params: init,
    data: { ...rowsOf(trainSet), batches, augment: resnetAugment(p) },
    schedule: cosineAnnealingLr({ lr: p.lr }, { tMax: p.epochs }),
    logEvery: perEpoch,
    onLog: async (k, info) => {
      if (k === 0 || k % perEpoch !== 0) return;
      dropFrom(epochs, "epoch", k / perEpoch);
      const te = await evalOn(test, {
        ...info.params,
        ...Object.fromEntries(step.buffers.map((v) => [v.name, info.state[v.name]])),
      });
      epochs.push({
        epoch: k / perEpoch,
        test_acc: te.accuracy,
        test_loss: te.loss,
        train_loss: info.loss,
        train_batch_acc: info.accuracy,
      });
      ctx.log(JSON.stringify(epochs.at(-1)));
      await saveLog(saved, epochs);
    },
  });
  await writeRun(ctx, n, result, {
    bestTestAcc: best(epochs, "test_acc"),
    finalTestAcc: epochs.at(-1)?.test_acc ?? null,
  }, { epochs });
}
