/**
 * Figure 2 (SPEC 5.3): one stage per (σ, seed) MNIST run. Declared apart from the collector in
 * figure2.ts so that editing a plot or the collector does not change these stages' code
 * fingerprint: only the training code (_mnist_fcn_train.ts and what it imports) does.
 */
import { defineStage, type Stage } from "../pipeline/mod.ts";
import type { FcnParams } from "./_mnist_fcn_train.ts";

/**
 * What Figure 2 runs at a scale: a run per σ and seed, with these settings. The grids are in
 * stages/_grids.ts, outside this module's code, so that adding a σ adds stages without giving the
 * runs there were new keys.
 */
export interface Figure2Grid {
  readonly sigmas: readonly number[];
  readonly seeds: readonly number[];
  readonly epochs: number;
  readonly perClass: number;
  readonly logEvery: number;
}

export function figure2Runs(plan: Figure2Grid, ep: string, mnist: Stage): Stage<FcnParams>[] {
  return plan.sigmas.flatMap((sigma) =>
    plan.seeds.map((seed) =>
      defineStage<FcnParams>({
        id: `fig2-sigma${sigma}-seed${seed}`,
        module: import.meta.url,
        params: {
          sigma,
          seed,
          epochs: plan.epochs,
          baseLr: 0.01,
          batch: 128,
          perClass: plan.perClass,
          probe: 100,
          logEvery: plan.logEvery,
          ep,
        },
        inputs: { mnist },
        // NOTE: one thread per run, two runs at once on 2 cores: 1.15-1.19x the steps per second of
        // one 2-thread run for the MNIST and CIFAR FCN steps at batch 128, 1.58x (Figure 2) and
        // 1.28x (CIFAR FCN) for whole default-scale runs (2026-11-30). The FCN steps give the same
        // bits on 1 and 2 threads.
        resources: { threads: 1, memoryMiB: 3072 },
        description: `figure 2: MNIST FCN, σ = ${sigma}, seed ${seed}, ${plan.epochs} epoch${
          plan.epochs === 1 ? "" : "s"
        }`,
        run: async (ctx) => (await import("./_mnist_fcn_train.ts")).runMnistFcn(ctx),
      })
    )
  );
}
