/**
 * The CIFAR-10 two-layer FCN sweep (SPEC 5.5): the `cifar-fcn` collector over the runs of
 * cifar_fcn_runs.ts, which picks per σ the largest rate whose run passed 95 % train accuracy
 * (else the rate with the best train accuracy, flagged) and plots best accuracies against σ.
 */
import { defineStage, type Stage } from "../pipeline/mod.ts";
import type { CifarFcnParams } from "./_cifar_fcn_train.ts";
import { figureFiles } from "./_figure_files.ts";
import { accuracySpec, divergedLines } from "./figures/accuracy.ts";
import { readRuns, writeSummary } from "./_collect.ts";
import { chooseRuns } from "./_cifar_fcn_choose.ts";

export interface RunFile {
  summary: CifarFcnParams & {
    trainCount: number;
    diverged: boolean;
    bestTrainAcc: number | null;
    bestTestAcc: number | null;
  };
}

export function cifarFcnStage(runs: Stage<CifarFcnParams>[]): Stage<{ target: number }> {
  return defineStage({
    id: "cifar-fcn",
    module: import.meta.url,
    params: { target: 0.95 },
    inputs: Object.fromEntries(runs.map((r) => [r.id, r])),
    resources: { threads: 1, memoryMiB: 256 },
    publish: figureFiles("cifar_fcn_accuracy"),
    description: "CIFAR-10 FCN: best train and test accuracy against σ at the chosen learning rate",
    run: async (ctx) => {
      const files = await readRuns<RunFile>(ctx.inputs);
      const chosen = chooseRuns(files.map((f) => f.summary), ctx.params.target);
      const s0 = files[0].summary;
      const rows = chosen.flatMap((c) => [
        {
          sigma: c.sigma,
          seed: c.seed,
          lr: c.lr,
          split: "train",
          accuracy: c.bestTrainAcc,
          reached_95: c.reachedTarget,
        },
        {
          sigma: c.sigma,
          seed: c.seed,
          lr: c.lr,
          split: "test",
          accuracy: c.bestTestAcc,
          reached_95: c.reachedTarget,
        },
      ]).filter((r) => r.accuracy !== null);
      const { writeFigure } = await import("./figures/_vega.ts");
      await writeFigure(`${ctx.outDir}/figures`, {
        name: "cifar_fcn_accuracy",
        spec: accuracySpec(
          "Two-layer FCN on CIFAR-10: best train and test accuracy against the init scale σ",
          [
            `3072-2048-10 ReLU, Kaiming init × σ, SGD without momentum or weight decay, batch 128, ${s0.epochs} epochs,`,
            `${s0.trainCount} training images; per σ the largest learning rate reaching > 95 % train accuracy.`,
            "Paper: larger σ gives lower test accuracy while train accuracy stays above 95 %.",
            ...divergedLines(chosen.map((c) => ({ ...c, note: "every rate diverged" })), false),
          ],
        ),
        rows,
      });
      const summary = {
        runs: chosen.map((c) => ({
          model: "cifar-fcn",
          sigma: c.sigma,
          seed: c.seed,
          lr: c.lr,
          diverged: c.diverged,
          reachedTarget: c.reachedTarget,
          bestTrainAcc: c.bestTrainAcc,
          bestTestAcc: c.bestTestAcc,
        })),
        grid: files.map((f) => ({
          sigma: f.summary.sigma,
          lr: f.summary.lr,
          seed: f.summary.seed,
          diverged: f.summary.diverged,
          bestTrainAcc: f.summary.bestTrainAcc,
          bestTestAcc: f.summary.bestTestAcc,
        })),
      };
      await writeSummary(ctx.outDir, summary);
    },
  });
}
