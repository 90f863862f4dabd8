/**
 * What the epoch-based runs (MNIST FCN, CIFAR-10 FCN, ResNet-18) share: the trainer's options for
 * a run's shuffles, device, progress and per-epoch checkpoints in the work directory, and the
 * evaluation of a set in batches. Imported by their run modules, which the stages import inside
 * run().
 */
import type { TensorData } from "../models/onnx/ir.ts";
import { type EvalSpec, evalStep, evaluate } from "../models/train/evaluate.ts";
import type { Rows } from "../models/train/batch_feed.ts";
import type { TrainOptions } from "../models/train/trainer.ts";
import { batchIndices } from "../data/batch.ts";
import type { LabelledData } from "../data/tensor.ts";
import type { Params, StageContext } from "../pipeline/mod.ts";

/** The params every epoch-based run has. */
export type EpochParams = Params & { seed: number; epochs: number; batch: number; ep: string };

/**
 * `train()`'s options that follow from the stage and its `n` training rows: epoch e's batches are
 * the run seed's shuffle of epoch e, cut into full batches; a checkpoint after every epoch in the
 * work directory, resumed; progress in steps.
 */
export function epochOptions<P extends EpochParams>(
  ctx: StageContext<P>,
  n: number,
):
  & Required<
    Pick<TrainOptions, "epochs" | "ep" | "threads" | "checkpoint" | "resume" | "onProgress">
  >
  & { batches: (epoch: number) => Uint32Array[] } {
  const p = ctx.params;
  return {
    batches: (e) => batchIndices(n, p.batch, { seed: p.seed, epoch: e, dropLast: true }),
    epochs: p.epochs,
    ep: p.ep as "cpu",
    threads: ctx.threads,
    checkpoint: { dir: ctx.workDir, eachEpoch: true },
    resume: true,
    onProgress: (done, total) => ctx.progress({ done, total, unit: "steps" }),
  };
}

/** The rows of a set as the trainer's and the evaluation's data. */
export function rowsOf(set: LabelledData): Rows {
  return { count: set.labels.length, x: set.x.data, y: set.labels };
}

/** Evaluates parameters on a set with the run's evaluation graphs, in batches of `batchSize`. */
export function evaluator(
  evals: { readonly spec: (batch: number) => EvalSpec; readonly batchSize: number },
  threads: number,
): (
  set: LabelledData,
  params: Readonly<Record<string, TensorData>>,
) => ReturnType<typeof evaluate> {
  return (set, params) =>
    evaluate({
      build: (batch) => evalStep(evals.spec(batch)),
      params,
      data: rowsOf(set),
      batchSize: evals.batchSize,
      threads,
    });
}

/** The row an FCN run logs after epoch `epoch`: accuracies and losses on the train and test sets. */
export function accuracyRow(
  epoch: number,
  train: { readonly accuracy: number; readonly loss: number },
  test: { readonly accuracy: number; readonly loss: number },
): Record<string, number> {
  return {
    epoch,
    train_acc: train.accuracy,
    test_acc: test.accuracy,
    train_loss: train.loss,
    test_loss: test.loss,
  };
}
