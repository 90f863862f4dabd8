/**
 * One run of the CIFAR-10 two-layer FCN sweep (SPEC 5.5): 3072-2048-10 ReLU with zero biases,
 * Kaiming-normal weights × σ, softmax cross-entropy, plain SGD (no momentum, no weight decay),
 * batch 128, no augmentation; train and test accuracy after every epoch; per-epoch checkpoints.
 * Imported by the stage inside run().
 */
import { mlp, mlpLayers } from "../models/arch/mlp.ts";
import { trainStep } from "../models/autodiff/sgd.ts";
import { initDense } from "../models/init/init.ts";
import { constantLr } from "../models/train/schedule.ts";
import { train } from "../models/train/trainer.ts";
import { STEPS_PER_CALL } from "../models/train/unroll.ts";
import { firstPerClass, gather } from "../data/batch.ts";
import { CIFAR_BATCH_RECORDS } from "../data/cifar.ts";
import type { StageContext } from "../pipeline/mod.ts";
import { CIFAR_TRAIN_BATCHES, loadCifar } from "./_cifar.ts";
import { best, dropFrom, loadLog, type Row, saveLog, writeRun } from "./_run_log.ts";
import { checkRows, type RunPlan } from "./_run_graphs.ts";
import { accuracyRow, epochOptions, evaluator, rowsOf } from "./_epoch_run.ts";

export type CifarFcnParams = {
  sigma: number;
  lr: number;
  seed: number;
  epochs: number;
  batch: number;
  perClass: number;
  ep: string;
};

const SPEC = { sizes: [3072, 2048, 10], bias: true };
/** CIFAR-10's training and test sets: five batch files and one, of CIFAR_BATCH_RECORDS rows each. */
const [CIFAR_TRAIN_ROWS, CIFAR_TEST_ROWS] = [
  CIFAR_TRAIN_BATCHES.length * CIFAR_BATCH_RECORDS,
  CIFAR_BATCH_RECORDS,
];

/** The run's graphs: the training step and the evaluation (batch 1000) on the train and test sets. */
export function cifarFcnPlan(
  p: CifarFcnParams,
): RunPlan & { evals: NonNullable<RunPlan["evals"]> } {
  const forward = (b: Parameters<typeof mlp>[0], x: Parameters<typeof mlp>[1]) => mlp(b, x, SPEC);
  const loss = { kind: "softmax_ce" as const, labels: "index" as const };
  // the evaluation graph is the training step's forward and loss, without backward or update
  const common = { dtype: "float32" as const, inputShape: [3072], forward, loss };
  return {
    train: { ...common, name: "cifar_fcn", batch: p.batch },
    stepsPerCall: STEPS_PER_CALL,
    evals: {
      spec: (batch) => ({ ...common, name: "cifar_fcn_eval", batch }),
      batchSize: 1000,
      counts: [p.perClass > 0 ? 10 * p.perClass : CIFAR_TRAIN_ROWS, CIFAR_TEST_ROWS],
    },
  };
}

export async function runCifarFcn(ctx: StageContext<CifarFcnParams>): Promise<void> {
  const p = ctx.params;
  const plan = cifarFcnPlan(p);
  const full = loadCifar(ctx.inputs.cifar, CIFAR_TRAIN_BATCHES);
  const trainSet = p.perClass > 0 ? gather(full, firstPerClass(full.labels, p.perClass)) : full;
  const test = loadCifar(ctx.inputs.cifar, ["test_batch.bin"]);
  checkRows("train", plan.evals.counts[0], trainSet.labels.length);
  checkRows("test", plan.evals.counts[1], test.labels.length);
  const layers = mlpLayers(SPEC);
  const params = initDense(layers, {
    rule: "kaiming",
    seed: p.seed,
    dtype: "float32",
    sigma: p.sigma,
  });
  const n = trainSet.labels.length;
  const perEpoch = Math.floor(n / p.batch);
  const step = trainStep(plan.train);
  const saved = `${ctx.workDir}/epochs.json`;
  const epochs = await loadLog<Row[]>(saved, []);
  const evalOn = evaluator(plan.evals, ctx.threads);
  const { batches, ...options } = epochOptions(ctx, n);
  const result = await train({
    ...options,
    step,
    params,
    data: { ...rowsOf(trainSet), batches },
    schedule: constantLr({ lr: p.lr }),
    stepsPerCall: plan.stepsPerCall,
    logEvery: perEpoch,
    onLog: async (k, info) => {
      if (k === 0 || k % perEpoch !== 0) return;
      dropFrom(epochs, "epoch", k / perEpoch);
      const [tr, te] = [await evalOn(trainSet, info.params), await evalOn(test, info.params)];
      epochs.push(accuracyRow(k / perEpoch, tr, te));
      ctx.log(JSON.stringify(epochs.at(-1)));
      await saveLog(saved, epochs);
    },
  });
  await writeRun(ctx, n, result, {
    bestTrainAcc: best(epochs, "train_acc"),
    bestTestAcc: best(epochs, "test_acc"),
    firstEpochAbove95: epochs.find((e) => e.train_acc > 0.95)?.epoch ?? null,
  }, { epochs });
}
