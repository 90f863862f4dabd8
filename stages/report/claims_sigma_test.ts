// Claims 7 and 8 on synthetic init-scale summaries: accuracy per σ as seed mean ± sample standard
// deviation, diverged runs left out of the means, and the steps that decide a trend with their
// per-seed differences (moved out of build_test.ts, which held every builder test).
import assert from "node:assert/strict";
import { buildReport, type InputResult } from "./mod.ts";

/** An experiment stage's result whose summary.json lists `runs` (the contracts.ts shape). */
function runsInput(id: string, runs: Record<string, unknown>[]): InputResult {
  return {
    id,
    key: "0".repeat(64),
    params: {},
    startedAt: "2026-12-02T00:00:00.000Z",
    endedAt: "2026-12-02T00:00:01.000Z",
    tools: {},
    summaries: { "summary.json": { runs } },
    figures: [],
  };
}

/** A ResNet-18 run of Figure 3 at σ with its best test accuracy; a seed pairs it across σ. */
function resnetRun(sigma: number, test: number, o: { seed?: number; diverged?: boolean } = {}) {
  const seed = o.seed === undefined ? {} : { seed: o.seed };
  return {
    model: "resnet18-x0.125",
    sigma,
    ...seed,
    bestTrainAcc: null,
    bestTestAcc: test,
    diverged: o.diverged ?? false,
  };
}

/** Claim 7 of a report over a Figure 3 summary of `runs`. */
const claim7 = (runs: Record<string, unknown>[]) =>
  buildReport([runsInput("figure3", runs)], { scale: "default", ep: "cpu" }).claims.find((c) =>
    c.id === "7"
  )!;

Deno.test("buildReport() evaluates an experiment stage that plugs in with the documented summary", () => {
  const runs = [1, 2, 4].flatMap((sigma, i) =>
    [0, 1].map(() => ({ model: "fcn", sigma, bestTrainAcc: 0.99, bestTestAcc: 0.55 - 0.05 * i }))
  );
  const fcn = runsInput("cifar-fcn", runs);
  const model = buildReport([fcn], { scale: "default", ep: "cpu" });
  const byId = Object.fromEntries(model.claims.map((c) => [c.id, c]));
  assert.equal(byId["7"].verdict, "pass");
  assert.equal(byId["8"].verdict, "pass");
  assert.equal(byId["10"].verdict, "not-run");
  runs[5].bestTestAcc = 0.9; // σ = 4 now beats σ = 2 on average
  const worse = buildReport([fcn], { scale: "default", ep: "cpu" });
  assert.equal(worse.claims.find((c) => c.id === "8")!.verdict, "fail");
});

Deno.test("buildReport() gives accuracy per σ as seed mean ± sample standard deviation", () => {
  const acc = [[0.5, 0.54, 0.52], [0.47, 0.49, 0.45]];
  const runs = acc.flatMap((accs, i) =>
    accs.map((a) => ({ model: "resnet18-x0.125", sigma: 2 ** i, bestTestAcc: a }))
  );
  runs.push({ model: "resnet18-x0.125", sigma: 4, bestTestAcc: 0.4 });
  const model = buildReport([runsInput("figure3", runs)], { scale: "default", ep: "cpu" });
  const c7 = model.claims.find((c) => c.id === "7")!;
  assert.equal(
    c7.checks[0].measured,
    "σ 1: 52.00% ± 2.00 (3 seeds), σ 2: 47.00% ± 2.00 (3 seeds), σ 4: 40.00%; smallest fall: " +
      "σ 1 → 2: −5.00 points",
  );
  assert.equal(c7.verdict, "pass");
});

Deno.test("buildReport() leaves diverged runs out of the accuracy means, names them, and counts a σ whose every run diverged as the worst", () => {
  const run = (sigma: number, test: number, diverged = false) =>
    resnetRun(sigma, test, { diverged });
  // σ = 2's diverged run reached 0.9 before diverging: averaged in, it would break the trend
  const runs = [run(1, 0.6), run(1, 0.62), run(2, 0.55), run(2, 0.9, true), run(4, 0.5)];
  const c7 = claim7(runs);
  assert.equal(
    c7.checks[0].measured,
    "σ 1: 61.00% ± 1.41 (2 seeds), σ 2: 55.00% (1 seed; 1 diverged, not in the mean), σ 4: " +
      "50.00%; smallest fall: σ 2 → 4: −5.00 points",
  );
  assert.equal(c7.verdict, "pass");
  // every run at the largest σ diverged: the worst result, so the trend holds
  const lastGone = claim7([...runs.slice(0, 4), run(4, 0.95, true)]);
  assert.match(
    lastGone.checks[0].measured,
    /σ 4: no accuracy \(1 diverged\); smallest fall: σ 1 → 2: −6\.00 points$/,
  );
  assert.equal(lastGone.verdict, "pass");
  // every run at σ = 1 diverged: worse than σ = 2, so the trend fails
  assert.equal(claim7([run(1, 0.7, true), run(2, 0.55), run(4, 0.5)]).verdict, "fail");
  // a trend needs two σ with accuracies: every run diverged, or all but one σ, is no pass
  assert.equal(claim7([run(1, 0.7, true), run(2, 0.6, true)]).verdict, "fail");
  assert.equal(claim7([run(1, 0.7), run(2, 0.6, true)]).verdict, "fail");
  // a run that did not diverge but logged no accuracy is counted, not averaged in as 0 or NaN
  const noAcc = claim7([run(1, 0.6), { ...run(1, 0), bestTestAcc: null }, run(2, 0.5)]);
  assert.equal(
    noAcc.checks[0].measured,
    "σ 1: 60.00% (1 seed; 1 logged no accuracy, not in the mean), σ 2: 50.00%; smallest fall: " +
      "σ 1 → 2: −10.00 points",
  );
  assert.equal(noAcc.verdict, "pass");
});

Deno.test("buildReport() shows the steps that decide a trend with their differences seed by seed", () => {
  const run = (sigma: number, seed: number | undefined, test: number, diverged = false) =>
    resnetRun(sigma, test, { seed, diverged });
  // σ = 2 above σ = 1 in the mean and on both seeds it can be paired on: seed 2's σ = 2 run
  // diverged (its 90 % is in neither the mean nor the pairs)
  const rising = claim7([
    ...[run(1, 0, 0.7), run(1, 1, 0.72), run(1, 2, 0.71)],
    ...[run(2, 1, 0.73), run(2, 0, 0.75), run(2, 2, 0.9, true)],
    ...[run(4, 0, 0.6), run(4, 1, 0.61)],
  ]);
  assert.equal(rising.verdict, "fail");
  assert.match(
    rising.checks[0].measured,
    /σ 4: 60\.50% ± 0\.71 \(2 seeds\); rises: σ 1 → 2: \+3\.00 points; per seed \+5\.00, \+1\.00: up on 2 of 2$/,
  );
  // each rising step is named; a falling seed counts as not up
  const twice = claim7([
    run(1, 0, 0.5),
    run(1, 1, 0.5),
    run(2, 0, 0.6),
    run(2, 1, 0.45),
    run(4, 0, 0.7),
  ]);
  assert.match(
    twice.checks[0].measured,
    /; rises: σ 1 → 2: \+2\.50 points; per seed \+10\.00, −5\.00: up on 1 of 2; σ 2 → 4: \+17\.50 points; per seed \+10\.00: up on 1 of 1$/,
  );
  // a trend that holds shows its smallest fall
  const holds = claim7([run(1, 0, 0.7), run(2, 0, 0.69), run(4, 0, 0.5)]);
  assert.equal(holds.verdict, "pass");
  assert.match(
    holds.checks[0].measured,
    /; smallest fall: σ 1 → 2: −1\.00 points; per seed −1\.00: up on 0 of 1$/,
  );
  // runs without a seed are in the means but not paired: no per-seed list
  const unpaired = claim7([run(1, undefined, 0.7), run(2, undefined, 0.69), run(4, 0, 0.5)]);
  assert.match(unpaired.checks[0].measured, /; smallest fall: σ 1 → 2: −1\.00 points$/);
  // a flat step is no fall, and its difference has no sign
  const flat = claim7([run(1, 0, 0.7), run(2, 0, 0.7), run(4, 0, 0.5)]);
  assert.equal(flat.verdict, "pass");
  assert.match(
    flat.checks[0].measured,
    /; flattest step: σ 1 → 2: 0\.00 points; per seed 0\.00: up on 0 of 1$/,
  );
  // a σ whose every run diverged counts as the worst in the text as in the verdict: the step
  // from it is the rise that fails the trend, not a step over it
  const gap = claim7([run(1, 0, 0.5), run(2, 0, 0.9, true), run(4, 0, 0.4)]);
  assert.equal(gap.verdict, "fail");
  assert.match(gap.checks[0].measured, /; rises: σ 2 → 4: from no accuracy to 40\.00%$/);
  const last = claim7([run(1, 0, 0.5), run(2, 0, 0.45), run(4, 0, 0.9, true)]);
  assert.match(last.checks[0].measured, /; smallest fall: σ 1 → 2: −5\.00 points; per seed/);
});

Deno.test("buildReport() fails the FCN's train-accuracy check where a run diverged", () => {
  const runs = [1, 2, 4].map((sigma, i) => ({
    model: "cifar-fcn",
    sigma,
    bestTrainAcc: 0.99,
    bestTestAcc: 0.5 - 0.05 * i,
    diverged: false,
  }));
  const c8 = (rs: Record<string, unknown>[]) =>
    buildReport([runsInput("cifar-fcn", rs)], { scale: "default", ep: "cpu" }).claims.find((c) =>
      c.id === "8"
    )!;
  assert.equal(c8(runs).verdict, "pass");
  const gone = [
    ...runs,
    { model: "cifar-fcn", sigma: 4, bestTrainAcc: null, bestTestAcc: null, diverged: true },
  ];
  const claim = c8(gone);
  assert.equal(claim.verdict, "fail");
  assert.equal(claim.checks[0].verdict, "pass"); // the test trend over the runs that trained
  assert.equal(claim.checks[1].measured, "99.00%; diverged: σ 4 1 run(s)");
});
