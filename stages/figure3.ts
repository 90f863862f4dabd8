/** Figure 3 (SPEC 5.4): the `figure3` collector over the ResNet-18 runs of figure3_runs.ts. */
import { defineStage, type Stage } from "../pipeline/mod.ts";
import type { ResnetParams } from "./_resnet_train.ts";
import { figureFiles } from "./_figure_files.ts";
import { accuracySpec, divergedLines } from "./figures/accuracy.ts";
import { readRuns, writeSummary } from "./_collect.ts";

interface RunFile {
  summary: ResnetParams & {
    trainCount: number;
    diverged: boolean;
    divergedAt: number | null;
    bestTestAcc: number | null;
    finalTestAcc: number | null;
  };
}

export function figure3Stage(runs: Stage<ResnetParams>[]): Stage<{ figure: string }> {
  return defineStage({
    id: "figure3",
    module: import.meta.url,
    params: { figure: "figure3" },
    inputs: Object.fromEntries(runs.map((r) => [r.id, r])),
    resources: { threads: 1, memoryMiB: 256 },
    publish: figureFiles("figure3"),
    description: "figure 3: ResNet-18 test accuracy against the init scale σ",
    run: async (ctx) => {
      const files = await readRuns<RunFile>(ctx.inputs);
      const rows = files.flatMap((f) => [
        {
          sigma: f.summary.sigma,
          seed: f.summary.seed,
          which: "best test accuracy",
          accuracy: f.summary.bestTestAcc,
          diverged: f.summary.diverged,
        },
        {
          sigma: f.summary.sigma,
          seed: f.summary.seed,
          which: "final test accuracy",
          accuracy: f.summary.finalTestAcc,
          diverged: f.summary.diverged,
        },
      ]).filter((r) => r.accuracy !== null);
      const s = files[0].summary;
      const { writeFigure } = await import("./figures/_vega.ts");
      await writeFigure(`${ctx.outDir}/figures`, {
        name: "figure3",
        spec: accuracySpec(
          "Figure 3: ResNet-18 on CIFAR-10, test accuracy against the init scale σ",
          [
            `kuangliu recipe: SGD momentum 0.9, weight decay 5e-4, cosine lr from 0.1, batch 128, crop + flip;`,
            `width ×${s.width}, ${s.epochs} epoch${
              s.epochs === 1 ? "" : "s"
            }, ${s.trainCount} training images; every conv/linear weight × σ.`,
            "Paper: larger initialisation gives worse test accuracy.",
            // two series that coincide draw as one: say so
            ...(files.every((f) =>
                f.summary.bestTestAcc !== null && f.summary.bestTestAcc === f.summary.finalTestAcc
              )
              ? [
                "Best and final test accuracy are equal in every run (the last epoch was the best).",
              ]
              : []),
            ...divergedLines(
              files.map((f) => f.summary),
              files.some((f) => f.summary.diverged && f.summary.bestTestAcc !== null),
            ),
          ],
          {
            series: "which",
            yTitle: "test accuracy",
            diverged: files.some((f) => f.summary.diverged),
          },
        ),
        rows,
      });
      const summary = {
        runs: files.map((f) => ({
          model: f.summary.width === 1 ? "resnet18" : `resnet18-x${f.summary.width}`,
          sigma: f.summary.sigma,
          seed: f.summary.seed,
          diverged: f.summary.diverged,
          bestTrainAcc: null,
          bestTestAcc: f.summary.bestTestAcc,
          finalTestAcc: f.summary.finalTestAcc,
          width: f.summary.width,
          epochs: f.summary.epochs,
        })),
      };
      await writeSummary(ctx.outDir, summary);
    },
  });
}
