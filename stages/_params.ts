/**
 * What each stage's params may be: one rule per param of every stage module in the DAG, checked
 * by the engine after `--set` (stages/mod.ts exports `checkParams`), so that a value a stage cannot
 * take stops the command with exit 2 before anything runs, instead of failing minutes into the
 * stage with an error from deep inside the model (`--set 'fig2-*.batch=1.5'` used to fail after 30
 * s with "cannot be converted to a BigInt").
 *
 * The rules live here rather than in the stage modules so that adding or tightening one does not
 * change any stage's code fingerprint, hence no cache key. A test checks that every param of every
 * stage at every scale has a rule and that every preset passes.
 */
import type { ParamProblem } from "../pipeline/load.ts";
import type { Json, Params, Stage } from "../pipeline/mod.ts";
import { CIFAR_BATCH_RECORDS } from "../data/mod.ts";
import { TWO_LAYER_NAMES } from "../models/init/two_layer_table.ts";
import { CIFAR_TRAIN_BATCHES } from "./_cifar.ts";

/** What a param's value must be, or null when it is valid; `preset` is the DAG module's value. */
type Rule = (value: Json, params: Params, preset: Json) => string | null;

const isInt = (v: Json): v is number => typeof v === "number" && Number.isSafeInteger(v);
const isNum = (v: Json): v is number => typeof v === "number" && Number.isFinite(v);
const rule = (expected: string, ok: (v: Json) => boolean): Rule => (v) => ok(v) ? null : expected;

const positiveInt = rule("a positive integer", (v) => isInt(v) && v > 0);
const natural = rule("an integer >= 0", (v) => isInt(v) && v >= 0);
const positive = rule("a finite number > 0", (v) => isNum(v) && v > 0);
const text = rule("a string", (v) => typeof v === "string");
const oneOf = (...values: readonly string[]): Rule =>
  rule(
    `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`,
    (v) => values.includes(v as string),
  );
/** Names what the stage is (its figure, its scale), not a knob: it keeps the DAG module's value. */
const fixed = (hint = "it is not a setting"): Rule => (v, _p, preset) =>
  JSON.stringify(v) === JSON.stringify(preset) ? null : `${JSON.stringify(preset)} (${hint})`;
/** A grid [low, high, count] of evenly spaced values. */
const grid = rule(
  "[low, high, count] with low < high and an integer count >= 2",
  (v) =>
    Array.isArray(v) && v.length === 3 && isNum(v[0]) && isNum(v[1]) && v[0] < v[1] &&
    isInt(v[2]) && v[2] >= 2,
);
const list = (what: string, ok: (x: Json) => boolean): Rule =>
  rule(`a non-empty array of ${what}`, (v) => Array.isArray(v) && v.length > 0 && v.every(ok));
/** A subset of the preset's list, in any order (which measures a figure draws, say). */
const subsetOfPreset: Rule = (v, _p, preset) =>
  Array.isArray(v) && Array.isArray(preset) && v.length > 0 &&
    v.every((x) => preset.includes(x)) && new Set(v).size === v.length
    ? null
    : `a non-empty array of distinct values from ${JSON.stringify(preset)}`;
/** At least one batch per epoch: each epoch drops its last partial batch. */
const batchOf = (rows: (p: Params) => number): Rule => (v, p) => {
  const n = rows(p);
  return isInt(v) && v > 0 && v <= n
    ? null
    : `a positive integer no larger than the ${n} training rows` +
      (isInt(p.perClass) && p.perClass > 0 ? ` (perClass ${p.perClass})` : "");
};
const rowsOf = (full: number) => (p: Params) =>
  isInt(p.perClass) && p.perClass > 0 ? 10 * p.perClass : full;

const CASE_NUMBERS = ["gamma", "a", "m2", "beta", "sigmaU", "sigmaW", "uu", "ww", "cos0"];
/** The showcase cases of theory-vs-gd (stages/_theory_cases.ts CaseSpec). */
const cases = list(
  'cases {name, d, init: "random" | "gram", seed, gamma, a, m2, ...}',
  (c) =>
    typeof c === "object" && c !== null && !Array.isArray(c) && typeof c.name === "string" &&
    isInt(c.d) && c.d > 0 && (c.init === "random" || c.init === "gram") && isInt(c.seed) &&
    c.seed >= 0 && CASE_NUMBERS.every((k) => isNum(c[k])),
);

/** MNIST's and CIFAR-10's training rows (the full sets, when perClass is 0). */
const MNIST_TRAIN = 60000;
const CIFAR_TRAIN = CIFAR_TRAIN_BATCHES.length * CIFAR_BATCH_RECORDS;

/** The rules of each stage module's params, by the module's file name. */
export function paramRules(eps: readonly string[]): Record<string, Record<string, Rule>> {
  const ep = oneOf(...eps);
  return {
    "fetch_data.ts": { localDir: text },
    "theory_vs_gd.ts": { cases, steps: positiveInt, every: positiveInt, kappa: positive },
    "zeta_vs_width.ts": {
      dMin: positiveInt,
      dMax: (v, p) => isInt(v) && isInt(p.dMin) && v > p.dMin ? null : "an integer > dMin",
      eta0: positive,
      dRef: positiveInt,
      points: rule("an integer >= 2", (v) => isInt(v) && v >= 2),
      seeds: list("integers >= 0", (x) => isInt(x) && x >= 0),
    },
    "phase_diagram.ts": {
      log10RhoA: grid,
      rho0Steps: positiveInt,
      q: grid,
      b: grid,
      widths: list("positive integers", (x) => isInt(x) && x > 0),
      beta: grid,
      uu: positive,
      ww: positive,
    },
    "two_layer_runs.ts": {
      task: oneOf("regression", "classification"),
      inputDim: positiveInt,
      n: positiveInt,
      classes: rule("an integer >= 2", (v) => isInt(v) && v >= 2),
      steps: positiveInt,
      logEvery: positiveInt,
      probe: positiveInt,
      dataSeed: natural,
      dtype: oneOf("float32", "float64"),
      ep,
      table: oneOf("corrected", "literal"),
      name: oneOf(...TWO_LAYER_NAMES),
      width: positiveInt,
      initSeed: natural,
    },
    "two_layer_figure.ts": { experiment: fixed() },
    "figure2_runs.ts": {
      sigma: positive,
      seed: natural,
      epochs: positiveInt,
      baseLr: positive,
      batch: batchOf(rowsOf(MNIST_TRAIN)),
      perClass: natural,
      probe: positiveInt,
      logEvery: positiveInt,
      ep,
    },
    "figure2.ts": { measures: subsetOfPreset },
    "cifar_fcn_runs.ts": {
      sigma: positive,
      lr: positive,
      seed: natural,
      epochs: positiveInt,
      batch: batchOf(rowsOf(CIFAR_TRAIN)),
      perClass: natural,
      ep,
    },
    "cifar_fcn.ts": { target: rule("a number in (0, 1]", (v) => isNum(v) && v > 0 && v <= 1) },
    "figure3_runs.ts": {
      sigma: positive,
      seed: natural,
      width: positive,
      epochs: positiveInt,
      lr: positive,
      batch: batchOf(rowsOf(CIFAR_TRAIN)),
      perClass: natural,
      testCount: rule(
        `an integer from 1 to ${CIFAR_BATCH_RECORDS} (the CIFAR-10 test set)`,
        (v) => isInt(v) && v >= 1 && v <= CIFAR_BATCH_RECORDS,
      ),
      ep,
    },
    "figure3.ts": { figure: fixed() },
    "report.ts": {
      scale: fixed("choose the scale with --scale"),
      ep: fixed("choose the EP with --ep"),
      preset: fixed(),
    },
  };
}

export const moduleFile = (s: Stage) => s.module.slice(s.module.lastIndexOf("/") + 1);

/** The problems with `stage`'s params (the engine's CheckParams); a param without a rule is one. */
export function checkParamsWith(
  rules: Record<string, Record<string, Rule>>,
  stage: Stage,
  preset: Stage,
): ParamProblem[] {
  const own = rules[moduleFile(stage)];
  if (!own) {
    throw new Error(
      `stages/_params.ts has no rules for ${moduleFile(stage)} (stage "${stage.id}")`,
    );
  }
  const problems: ParamProblem[] = [];
  for (const [param, value] of Object.entries(stage.params)) {
    const check = own[param];
    const expected = check
      ? check(value, stage.params, preset.params[param])
      : "a param with a rule in stages/_params.ts";
    if (expected !== null) problems.push({ param, expected });
  }
  return problems;
}
