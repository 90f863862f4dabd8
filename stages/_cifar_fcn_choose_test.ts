// The CIFAR FCN collector's choice per σ and seed: the largest rate that passed the train target,
// else the best-training rate (flagged), and a diverged record where every rate diverged.
import assert from "node:assert/strict";
import { chooseRuns, type CifarFcnRun } from "./_cifar_fcn_choose.ts";

const run = (sigma: number, seed: number, lr: number, train: number | null, diverged = false) =>
  ({
    sigma,
    seed,
    lr,
    diverged,
    bestTrainAcc: train,
    bestTestAcc: train === null ? null : train / 2,
  }) as CifarFcnRun;

Deno.test("chooseRuns() picks per σ and seed the largest rate past the target, else the best training one", () => {
  const chosen = chooseRuns([
    run(2, 0, 0.03, 0.99),
    run(1, 0, 0.03, 0.97),
    run(1, 0, 0.1, 0.96),
    run(1, 0, 0.3, 0.5, true),
    run(2, 0, 0.1, 0.8),
  ], 0.95);
  assert.deepEqual(chosen.map((c) => [c.sigma, c.lr, c.reachedTarget, c.diverged]), [
    [1, 0.1, true, false],
    [2, 0.03, true, false],
  ]);
  const below = chooseRuns([run(4, 1, 0.03, 0.6), run(4, 1, 0.1, 0.7)], 0.95);
  assert.deepEqual(below.map((c) => [c.lr, c.reachedTarget, c.bestTrainAcc]), [[0.1, false, 0.7]]);
});

Deno.test("chooseRuns() records a σ and seed whose every rate diverged, with no rate and no accuracy", () => {
  const chosen = chooseRuns([
    run(4, 0, 0.1, 0.4, true),
    run(4, 0, 0.3, null, true),
    run(4, 1, 0.1, 0.99),
  ], 0.95);
  assert.deepEqual(chosen, [
    {
      sigma: 4,
      seed: 0,
      lr: null,
      diverged: true,
      reachedTarget: false,
      bestTrainAcc: null,
      bestTestAcc: null,
    },
    {
      sigma: 4,
      seed: 1,
      lr: 0.1,
      diverged: false,
      reachedTarget: true,
      bestTrainAcc: 0.99,
      bestTestAcc: 0.495,
    },
  ]);
});

Deno.test("chooseRuns() needs a train accuracy above the target, and falls back on training accuracy, never test", () => {
  // exactly at the target does not pass it ("> 95%", claim 8)
  const at = chooseRuns([run(1, 0, 0.03, 0.97), run(1, 0, 0.1, 0.95)], 0.95);
  assert.deepEqual(at.map((c) => [c.lr, c.reachedTarget]), [[0.03, true]]);
  // below the target the better-training rate is chosen even where the other tests better: the
  // test set never selects
  const fallback = chooseRuns([
    { ...run(4, 1, 0.03, 0.7), bestTestAcc: 0.2 },
    { ...run(4, 1, 0.1, 0.6), bestTestAcc: 0.5 },
  ], 0.95);
  assert.deepEqual(fallback.map((c) => [c.lr, c.reachedTarget, c.bestTestAcc]), [[
    0.03,
    false,
    0.2,
  ]]);
});
