/**
 * Figure 2 (SPEC 5.3): one stage per (σ, seed) MNIST run. Declared apart from the collector in
 * figure2.ts so that editing a plot or the collector does not change these stages' code
 * fingerprint: only the training code (_mnist_fcn_train.ts and what it imports) does.
 */
import { defineStage, type Stage } from "../pipeline/mod.ts";
import type { FcnParams } from "./_mnist_fcn_train.ts";
import { byScale } from "./_scale.ts";

export function figure2Runs(scale: string, ep: string, mnist: Stage): Stage<FcnParams>[] {
  // The default scale is the paper's setting (SPEC 5.3): full MNIST, 20 epochs, 3 seeds.
  const plan = byScale(scale, {
    smoke: { sigmas: [0.5, 2], seeds: [0], epochs: 1, perClass: 200, logEvery: 5 },
    default: {
      sigmas: [0.25, 0.5, 1, 2, 4],
      seeds: [0, 1, 2],
      epochs: 20,
      perClass: 0,
      logEvery: 100,
    },
  });
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
        description: `figure 2: MNIST FCN, σ = ${sigma}, seed ${seed}, ${plan.epochs} epochs`,
        run: async (ctx) => (await import("./_mnist_fcn_train.ts")).runMnistFcn(ctx),
      })
    )
  );
}
