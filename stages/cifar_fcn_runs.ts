/**
 * The CIFAR-10 two-layer FCN sweep (SPEC 5.5): one stage per (σ, learning rate, seed), declared
 * apart from the `cifar-fcn` collector so that editing the plot or the rate choice does not rerun
 * training.
 */
import { defineStage, type Stage } from "../pipeline/mod.ts";
import type { CifarFcnParams } from "./_cifar_fcn_train.ts";

/**
 * What the sweep runs at a scale: a run per σ, learning rate and seed, with these settings. The
 * grids are in stages/_grids.ts, outside this module's code, so that adding a σ or a rate adds
 * stages without giving the runs there were new keys.
 */
export interface CifarFcnGrid {
  readonly sigmas: readonly number[];
  readonly lrs: readonly number[];
  readonly seeds: readonly number[];
  readonly epochs: number;
  readonly perClass: number;
}

export function cifarFcnRuns(
  plan: CifarFcnGrid,
  ep: string,
  cifar: Stage,
): Stage<CifarFcnParams>[] {
  return plan.sigmas.flatMap((sigma) =>
    plan.lrs.flatMap((lr) =>
      plan.seeds.map((seed) =>
        defineStage<CifarFcnParams>({
          id: `cifarfcn-sigma${sigma}-lr${lr}-seed${seed}`,
          module: import.meta.url,
          params: { sigma, lr, seed, epochs: plan.epochs, batch: 128, perClass: plan.perClass, ep },
          inputs: { cifar },
          // NOTE: one thread per run, two runs at once on 2 cores: 1.15-1.19x the steps per second of
          // one 2-thread run for the MNIST and CIFAR FCN steps at batch 128, 1.58x (Figure 2) and
          // 1.28x (CIFAR FCN) for whole default-scale runs (2026-11-30). The FCN steps give the same
          // bits on 1 and 2 threads.
          resources: { threads: 1, memoryMiB: 4096 },
          description: `CIFAR-10 FCN: σ = ${sigma}, lr ${lr}, seed ${seed}, ${plan.epochs} epoch${
            plan.epochs === 1 ? "" : "s"
          }`,
          run: async (ctx) => (await import("./_cifar_fcn_train.ts")).runCifarFcn(ctx),
        })
      )
    )
  );
}
