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
        // NOTE: one thread per run, two runs at once on 2 cores: a ResNet-18 step at batch 128 took
        // 138 ms on 2 threads and 216 ms on 1 with a second 1-thread run beside it (1.28x the
        // steps per second; 1.26x at full width, 1.44x at width 1/16), and a whole default-scale
        // run 5 min 5 s alone on 2 threads against 5 min 53 s beside another (1.73x; 2026-11-30,
        // AMD EPYC). The thread count changes these results by rounding.
        resources: { device: ep === "cpu" ? "cpu" : "gpu", threads: 1, memoryMiB: 6144 },
        description:
          `figure 3: ResNet-18 ×${plan.width}, σ = ${sigma}, seed ${seed}, ${plan.epochs} epochs`,
        run: async (ctx) => (await import("./_resnet_train.ts")).runResnet(ctx),
      })
    )
  );
}
