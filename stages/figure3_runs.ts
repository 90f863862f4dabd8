/**
 * Figure 3 (SPEC 5.4): one stage per (σ, seed) ResNet-18 run, declared apart from the `figure3`
 * collector so that editing the plot does not rerun training.
 */
import { defineStage, type Stage } from "../pipeline/mod.ts";
import type { ResnetParams } from "./_resnet_train.ts";
/**
 * What Figure 3 runs at a scale: a ResNet-18 run per σ and seed, with these settings (grids in
 * stages/_grids.ts, outside this module's code, as for Figure 2).
 */
export interface Figure3Grid {
  readonly sigmas: readonly number[];
  readonly seeds: readonly number[];
  readonly width: number;
  readonly epochs: number;
  readonly perClass: number;
  readonly testCount: number;
}

export function figure3Runs(plan: Figure3Grid, ep: string, cifar: Stage): Stage<ResnetParams>[] {
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
          `figure 3: ResNet-18 ×${plan.width}, σ = ${sigma}, seed ${seed}, ${plan.epochs} epoch${
            plan.epochs === 1 ? "" : "s"
          }`,
        run: async (ctx) => (await import("./_resnet_train.ts")).runResnet(ctx),
      })
    )
  );
}
