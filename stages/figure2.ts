/** Figure 2 (SPEC 5.3): the `figure2` collector over the MNIST runs of figure2_runs.ts. */
import { defineStage, type Stage } from "../pipeline/mod.ts";
import type { FcnParams } from "./_mnist_fcn_train.ts";
import { figureFiles } from "./_figure_files.ts";
import { accuracySpec, divergedLines } from "./figures/accuracy.ts";
import { measuresSpec } from "./figures/figure2.ts";
import { readRuns, writeSummary } from "./_collect.ts";

interface RunFile {
  summary: FcnParams & {
    lr: number;
    diverged: boolean;
    divergedAt: number | null;
    bestTrainAcc: number | null;
    bestTestAcc: number | null;
    trainCount: number;
  };
  log: Record<string, number>[];
}

const MEASURES: [string, string][] = [
  ["zeta", "ζ (NTK change)"],
  ["zeta_signed", "ζ_s (signed)"],
  ["A1", "A_1 (fc2·fc1 alignment)"],
  ["A2", "A_2 (fc3·fc2 alignment)"],
  ["A3", "A_3 (fc4·fc3 alignment)"],
  ["R1", "R_1 = ‖W1‖/‖W1(0)‖"],
  ["R2", "R_2"],
  ["R3", "R_3"],
  ["R4", "R_4"],
];

export function figure2Stage(runs: Stage<FcnParams>[]): Stage<{ measures: string[] }> {
  return defineStage({
    id: "figure2",
    module: import.meta.url,
    params: { measures: MEASURES.map(([k]) => k) },
    inputs: Object.fromEntries(runs.map((r) => [r.id, r])),
    resources: { threads: 1, memoryMiB: 512 },
    publish: figureFiles("figure2_measures", "figure2_accuracy"),
    description: "figure 2: ζ, ζ_s, A_l, R_l over training and accuracy against σ",
    run: async (ctx) => {
      const files = await readRuns<RunFile>(ctx.inputs);
      const measureRows: Record<string, string | number>[] = [];
      for (const sigma of [...new Set(files.map((f) => f.summary.sigma))].sort((a, b) => a - b)) {
        const group = files.filter((f) => f.summary.sigma === sigma && !f.summary.diverged);
        const steps = [...new Set(group.flatMap((f) => f.log.map((r) => r.step)))].sort((a, b) =>
          a - b
        );
        for (const step of steps) {
          MEASURES.forEach(([key, label], order) => {
            const vals = group.map((f) => f.log.find((r) => r.step === step)?.[key]).filter((v) =>
              typeof v === "number"
            ) as number[];
            if (vals.length) {
              measureRows.push({
                sigma,
                step,
                measure: label,
                order,
                value: vals.reduce((a, b) => a + b) / vals.length,
                min: Math.min(...vals),
                max: Math.max(...vals),
                seeds: vals.length,
              });
            }
          });
        }
      }
      const accRows = files.flatMap((f) => [
        {
          sigma: f.summary.sigma,
          seed: f.summary.seed,
          split: "train",
          accuracy: f.summary.bestTrainAcc,
          diverged: f.summary.diverged,
        },
        {
          sigma: f.summary.sigma,
          seed: f.summary.seed,
          split: "test",
          accuracy: f.summary.bestTestAcc,
          diverged: f.summary.diverged,
        },
      ]).filter((r) => r.accuracy !== null);
      const s0 = files[0].summary;
      const setting =
        `784-512-512-512-10 ReLU FCN, MNIST (${s0.trainCount} training images), Kaiming init × σ, SGD batch ${s0.batch}, ½·MSE on one-hot targets, ${s0.epochs} epoch${
          s0.epochs === 1 ? "" : "s"
        }`;
      // the rate each run took (min(baseLr, 1/λ0)) per σ, and the σ whose runs barely trained
      const sigmas = [...new Set(files.map((f) => f.summary.sigma))].sort((a, b) => a - b);
      const g = (x: number) => x < 1e-3 ? x.toExponential(1) : Number(x.toPrecision(2)).toString();
      const rates = sigmas.map((s) => {
        const lrs = files.filter((f) => f.summary.sigma === s).map((f) => f.summary.lr);
        const [lo, hi] = [Math.min(...lrs), Math.max(...lrs)];
        return `${g(lo)}${hi > lo ? ` to ${g(hi)}` : ""} at σ = ${s}`;
      });
      const untrained = sigmas.filter((s) => {
        const accs = files.filter((f) => f.summary.sigma === s && f.summary.bestTrainAcc !== null)
          .map((f) => f.summary.bestTrainAcc as number);
        return accs.length > 0 && Math.max(...accs) < 0.5;
      });
      // short lines: the longest subtitle line sets the figure's width
      const rateLines = [
        `Learning rate min(${s0.baseLr}, 1/λ0), λ0 the initial NTK's top eigenvalue per sample:`,
        `${rates.join(", ")}.`,
        ...(untrained.length
          ? [
            `At σ = ${
              untrained.join(", ")
            } the runs barely train (best train accuracy under 50 %):`,
            "their accuracy reflects the capped rate more than generalisation.",
          ]
          : []),
      ];
      const { writeFigure } = await import("./figures/_vega.ts");
      const dir = `${ctx.outDir}/figures`;
      await writeFigure(dir, {
        name: "figure2_measures",
        spec: measuresSpec(
          "Figure 2: feature-learning measures of a four-layer FCN on MNIST over training",
          [
            setting + "; lines: seed means, bands: min-max over seeds.",
            ...rateLines,
            "Expected: small σ → ζ_s > 0, alignment A_l rising, norms R_l > 1; large σ → ζ_s < 0, A_l falling (disalignment).",
          ],
        ),
        rows: measureRows,
      });
      await writeFigure(dir, {
        name: "figure2_accuracy",
        spec: accuracySpec(
          "Figure 2: best train and test accuracy against the init scale σ",
          [
            setting + ".",
            ...rateLines,
            "Points: seed means; bars: ± 1 standard deviation over seeds. Expected: lower test accuracy at large σ.",
            ...divergedLines(
              files.map((f) => f.summary),
              accRows.some((r) => r.diverged), // rows with an accuracy only
            ),
          ],
          { diverged: files.some((f) => f.summary.diverged) },
        ),
        rows: accRows,
      });
      const summary = {
        runs: files.map((f) => ({
          model: "mnist-fcn",
          sigma: f.summary.sigma,
          seed: f.summary.seed,
          lr: f.summary.lr,
          diverged: f.summary.diverged,
          bestTrainAcc: f.summary.bestTrainAcc,
          bestTestAcc: f.summary.bestTestAcc,
        })),
      };
      await writeSummary(ctx.outDir, summary);
    },
  });
}
