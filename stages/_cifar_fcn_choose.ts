/** The CIFAR FCN collector's choice of learning rate per σ and seed (SPEC 5.5; cifar_fcn.ts). */

/** What the choice reads of one run's summary. */
export interface CifarFcnRun {
  readonly sigma: number;
  readonly seed: number;
  readonly lr: number;
  readonly diverged: boolean;
  readonly bestTrainAcc: number | null;
  readonly bestTestAcc: number | null;
}

/** The run picked for one σ and seed; with `diverged`, every rate diverged and none was picked. */
export interface Chosen {
  sigma: number;
  seed: number;
  lr: number | null;
  diverged: boolean;
  reachedTarget: boolean;
  bestTrainAcc: number | null;
  bestTestAcc: number | null;
}

/**
 * Per σ and seed (sorted by σ), the run with the largest rate whose best train accuracy passed
 * `target`, else the one with the best train accuracy (`reachedTarget` false); where every rate
 * diverged, a record with `diverged` and no rate or accuracies.
 */
export function chooseRuns(runs: readonly CifarFcnRun[], target: number): Chosen[] {
  const chosen: Chosen[] = [];
  for (const sigma of [...new Set(runs.map((r) => r.sigma))].sort((a, b) => a - b)) {
    for (const seed of [...new Set(runs.map((r) => r.seed))]) {
      const here = runs.filter((s) => s.sigma === sigma && s.seed === seed && !s.diverged);
      if (here.length === 0) {
        // every rate diverged: a result of this σ and seed, which the claims must see
        if (runs.some((r) => r.sigma === sigma && r.seed === seed)) {
          chosen.push({
            sigma,
            seed,
            lr: null,
            diverged: true,
            reachedTarget: false,
            bestTrainAcc: null,
            bestTestAcc: null,
          });
        }
        continue;
      }
      const ok = here.filter((s) => (s.bestTrainAcc ?? 0) > target).sort((a, b) => b.lr - a.lr);
      const pick = ok[0] ??
        here.sort((a, b) => (b.bestTrainAcc ?? 0) - (a.bestTrainAcc ?? 0))[0];
      chosen.push({
        sigma,
        seed,
        lr: pick.lr,
        diverged: false,
        reachedTarget: ok.length > 0,
        bestTrainAcc: pick.bestTrainAcc,
        bestTestAcc: pick.bestTestAcc,
      });
    }
  }
  return chosen;
}
