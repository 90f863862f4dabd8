/**
 * Figure 3 (SPEC 5.4): one stage per (σ, seed) ResNet-18 run, declared apart from the `figure3`
 * collector so that editing the plot does not rerun training.
 */
import { defineStage, type Stage } from "../pipeline/mod.ts";
import type { ResnetParams } from "./_resnet_train.ts";
import { byScale } from "./_scale.ts";

export function figure3Runs(scale: string, ep: string, cifar: Stage): Stage<ResnetParams>[] {
  const plan = byScale(scale, {
    smoke: { sigmas: [1, 4], seeds: [0], width: 0.0625, epochs: 1, perClass: 50, testCount: 1000 },
    default: {
      sigmas: [0.5, 1, 2, 4, 8],
      seeds: [0, 1, 2],
      width: 0.125,
      epochs: 4,
      perClass: 0,
      testCount: 10000,
    },
    paper: {
      sigmas: [0.5, 1, 2, 4, 8],
      seeds: [0],
      width: 1,
      epochs: 200,
      perClass: 0,
      testCount: 10000,
    },
  });
  return plan.sigmas.flatMap((sigma) =>
    plan.seeds.map((seed) =>
      defineStage<ResnetParams>({
        id: `fig3-sigma${sigma}-seed${seed}`,
        module: import.meta.url,
        params: {
          sigma,
          seed,
          width: plan.width,
          epochs: plan.epochs,
          lr: 0.1,
          batch: 128,
          perClass: plan.perClass,
          testCount: plan.testCount,
          ep,
        },
        inputs: { cifar },
        resources: { device: ep === "cpu" ? "cpu" : "gpu", threads: 2, memoryMiB: 6144 },
        description:
          `figure 3: ResNet-18 ×${plan.width}, σ = ${sigma}, seed ${seed}, ${plan.epochs} epochs`,
        run: async (ctx) => (await import("./_resnet_train.ts")).runResnet(ctx),
      })
    )
  );
}
