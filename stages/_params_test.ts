import assert from "node:assert/strict";
import { UsageError } from "../pipeline/errors.ts";
import { checkStageParams } from "../pipeline/load.ts";
import { applySets } from "../pipeline/overrides.ts";
import { moduleFile, paramRules } from "./_params.ts";
import { checkParams, eps, pipeline, scales } from "./mod.ts";

const rules = paramRules(eps);

Deno.test("every param of every stage at every scale and EP has a rule, and every preset passes", () => {
  const used = new Set<string>();
  for (const scale of scales) {
    for (const ep of eps) {
      for (const stage of pipeline({ scale, ep }).stages) {
        const own = rules[moduleFile(stage)];
        assert.ok(own, `no rules for ${moduleFile(stage)}`);
        for (const param of Object.keys(stage.params)) {
          assert.ok(param in own, `no rule for ${moduleFile(stage)} ${param}`);
          used.add(`${moduleFile(stage)} ${param}`);
        }
        assert.deepEqual(checkParams(stage, stage), [], `${scale} ${ep} ${stage.id}`);
      }
    }
  }
  // no rule for a param that no stage has any more
  const declared = Object.entries(rules).flatMap(([file, own]) =>
    Object.keys(own).map((param) => `${file} ${param}`)
  );
  assert.deepEqual(declared.filter((d) => !used.has(d)), []);
});

/** Applies `sets` to the default scale's DAG and returns the check's error message, or "". */
function problems(...sets: string[]): string {
  const preset = pipeline({ scale: "default", ep: "cpu" }).stages;
  try {
    checkStageParams(applySets(preset, sets), preset, checkParams);
    return "";
  } catch (e) {
    assert.ok(e instanceof UsageError, String(e));
    return e.message;
  }
}

/** A case with an exact initial Gram matrix and none of a random case's fields. */
const GRAM = JSON.stringify({
  name: "g",
  d: 10,
  init: "gram",
  gamma: 1,
  a: 1,
  m2: 1,
  beta: 1,
  uu: 1,
  ww: 4,
  cos0: 0.5,
});

// values that used to fail only inside the stage (the two first ones minutes into a run)
const BAD: [string[], string][] = [
  [
    ["fig2-sigma2-seed0.batch=1.5"],
    "Expected fig2-sigma2-seed0.batch to be a positive integer no larger than the 60000 training " +
    "rows but found 1.5 (--set changed batch)",
  ],
  [
    ["fig2-sigma2-seed0.probe=0"],
    "Expected fig2-sigma2-seed0.probe to be a positive integer but found 0 (--set changed probe)",
  ],
  [
    ["fig2-sigma2-seed0.perClass=10"],
    "Expected fig2-sigma2-seed0.batch to be a positive integer no larger than the 100 training " +
    "rows (perClass 10) but found 128 (--set changed perClass)",
  ],
  [
    ["fig3-sigma1-seed0.width=-0.5"],
    "Expected fig3-sigma1-seed0.width to be a finite number > 0 but found -0.5 (--set changed width)",
  ],
  [
    ["fig3-sigma1-seed0.testCount=20000"],
    "Expected fig3-sigma1-seed0.testCount to be an integer from 1 to 10000 (the CIFAR-10 test " +
    "set) but found 20000 (--set changed testCount)",
  ],
  [
    ["cifarfcn-sigma1-lr0.1-seed0.batch=60000"],
    "Expected cifarfcn-sigma1-lr0.1-seed0.batch to be a positive integer no larger than the 5000 " +
    "training rows (perClass 500) but found 60000 (--set changed batch)",
  ],
  [
    ["fig1-corrected-ntk-d100-seed0.name=ntk2"],
    'Expected fig1-corrected-ntk-d100-seed0.name to be "ntk" (the stage id names it: another ' +
    'value is another stage) but found "ntk2" (--set changed name)',
  ],
  [
    ["zeta-vs-width.dMax=50"],
    "Expected zeta-vs-width.dMax to be an integer > dMin but found 50 (--set changed dMax)",
  ],
  [
    ["phase-diagram.q=[1,0,5]"],
    "Expected phase-diagram.q to be [low, high, count] with low < high and an integer count >= 2 " +
    "but found [1,0,5] (--set changed q)",
  ],
  [
    ["phase-diagram.beta=[1,1,5]"],
    "Expected phase-diagram.beta to be [low, high, count] with low < high and an integer count " +
    ">= 2 but found [1,1,5] (--set changed beta)",
  ],
  [
    ['theory-vs-gd.cases=[{"name":"x"}]'],
    "Expected theory-vs-gd.cases to be a non-empty array of cases as in stages/_theory_cases.ts " +
    '(case 0: d must be a positive integer) but found [{"name":"x"}] (--set changed cases)',
  ],
  [
    [`theory-vs-gd.cases=[${GRAM},${JSON.stringify({ ...JSON.parse(GRAM), gamma: 0 })}]`],
    "Expected theory-vs-gd.cases to be a non-empty array of cases as in stages/_theory_cases.ts " +
    `(case 1: gamma must be a finite number other than 0) but found ${
      `[${GRAM},${JSON.stringify({ ...JSON.parse(GRAM), gamma: 0 })}]`.slice(0, 97)
    }... (--set changed cases)`,
  ],
  [
    ["phase-diagram.widths=[10000,10000]"],
    "Expected phase-diagram.widths to be an array of at least 2 distinct positive integers but " +
    "found [10000,10000] (--set changed widths)",
  ],
  [
    ["phase-diagram.rho0Steps=1"],
    "Expected phase-diagram.rho0Steps to be an integer >= 2 but found 1 (--set changed rho0Steps)",
  ],
  [
    ["appc-corrected-ntk-d100-seed0.classes=300"],
    "Expected appc-corrected-ntk-d100-seed0.classes to be an integer from 2 to 256 but found 300 " +
    "(--set changed classes)",
  ],
  [
    ["fig2-sigma1-seed0.perClass=6000"],
    "Expected fig2-sigma1-seed0.perClass to be an integer from 0 (every image) to 5421 but found " +
    "6000 (--set changed perClass)",
  ],
  [
    ["fig3-sigma1-seed0.perClass=5001"],
    "Expected fig3-sigma1-seed0.perClass to be an integer from 0 (every image) to 5000 but found " +
    "5001 (--set changed perClass)",
  ],
  [
    ["zeta-vs-width.seeds=[1e10]"],
    "Expected zeta-vs-width.seeds to be an array (possibly empty) of integers from 0 to 9e9 but " +
    "found [10000000000] (--set changed seeds)",
  ],
  [
    ["cifar-fcn.target=1"],
    "Expected cifar-fcn.target to be a number in [0, 1) but found 1 (--set changed target)",
  ],
  [
    ["figure1.experiment=appendix-c"],
    'Expected figure1.experiment to be "figure1" (it is not a setting) but found "appendix-c" ' +
    "(--set changed experiment)",
  ],
  [
    ['figure2.measures=["zeta"]'],
    'Expected figure2.measures to be ["zeta","zeta_signed","A1","A2","A3","R1","R2","R3","R4"] ' +
    '(it is not a setting) but found ["zeta"] (--set changed measures)',
  ],
  [
    ["report.preset={}"],
    "Expected report.preset to be the value the DAG gives it (it is not a setting) but found {} " +
    "(--set changed preset)",
  ],
  [
    ["fig3-*.ep=tpu"],
    'Expected ep of 15 stages (fig3-sigma0.5-seed0, fig3-sigma0.5-seed1, fig3-sigma0.5-seed2, ...) to be one of "cpu", "webgpu", "cuda" but found "tpu" (--set changed ep)',
  ],
  [
    ["*.ep=webgpu"],
    'Expected report.ep to be "cpu" (choose the EP with --ep) but found "webgpu" (--set changed ' +
    "ep)",
  ],
];

for (const [sets, message] of BAD) {
  Deno.test(`--set ${sets.join(" ").slice(0, 70)} is a usage error naming the param`, () => {
    assert.equal(problems(...sets), message);
  });
}

Deno.test("valid --set values pass the check, including the README's variants", () => {
  for (
    const sets of [
      ["fig3-*.epochs=8"],
      ["fig3-*.width=0.25"],
      ["fig3-sigma1-*.lr=0.025"],
      ["fig2-*.perClass=100", "fig2-*.batch=100"],
      ["fig1-*.dtype=float64"],
      ["theory-vs-gd.kappa=0.02"],
      ["theory-vs-gd.kappa=0.01"],
      ["zeta-vs-width.seeds=[]"],
      ["cifar-fcn.target=0"],
      ["fig2-*.perClass=5421"],
      // a gram case reads no seed or init scales
      [`theory-vs-gd.cases=[${GRAM}]`],
    ]
  ) assert.equal(problems(...sets), "", sets.join(" "));
});

Deno.test("problems on several params are listed together, one line per kind", () => {
  const message = problems("fig2-sigma1-*.epochs=0", "fig3-sigma8-seed2.batch=0");
  assert.equal(
    message,
    "2 kinds of stage params are not valid:\n" +
      "  Expected epochs of 3 stages (fig2-sigma1-seed0, fig2-sigma1-seed1, fig2-sigma1-seed2) to " +
      "be a positive integer but found 0 (--set changed epochs)\n" +
      "  Expected fig3-sigma8-seed2.batch to be a positive integer no larger than the 50000 " +
      "training rows but found 0 (--set changed batch)",
  );
});

Deno.test("a run's params that its stage id names cannot be set: the id would say another run", () => {
  const because = (keys: string) =>
    "(the stage id names it: another value is another stage" +
    (keys ? `, which --config ${keys} adds)` : ")");
  for (
    const [set, param, value, keys] of [
      ["fig2-sigma2-seed0.sigma=3", "sigma", "2", "figure2.sigmas"],
      ["fig2-sigma2-seed0.seed=5", "seed", "0", "figure2.seeds"],
      ["fig3-sigma1-seed2.sigma=1.5", "sigma", "1", "figure3.sigmas"],
      ["fig3-sigma1-seed2.seed=0", "seed", "2", "figure3.seeds"],
      ["cifarfcn-sigma1-lr0.1-seed0.lr=0.03", "lr", "0.1", "cifar-fcn.lrs"],
      ["cifarfcn-sigma1-lr0.1-seed0.sigma=2", "sigma", "1", "cifar-fcn.sigmas"],
      ["cifarfcn-sigma1-lr0.1-seed0.seed=2", "seed", "0", "cifar-fcn.seeds"],
      ["fig1-corrected-ntk-d100-seed0.table=literal", "table", '"corrected"', ""],
      [
        "appc-corrected-ntk-d1000-seed1.width=100",
        "width",
        "1000",
        "figure1.widths or appendix-c.widths",
      ],
      [
        "appc-corrected-ntk-d1000-seed1.initSeed=0",
        "initSeed",
        "1",
        "figure1.seeds or appendix-c.seeds",
      ],
    ]
  ) {
    const stage = set.slice(0, set.indexOf(`.${param}=`));
    assert.equal(
      problems(set),
      `Expected ${stage}.${param} to be ${value} ${because(keys)} but found ` +
        `${set.slice(set.indexOf("=") + 1).replace(/^[a-z]+$/, (t) => `"${t}"`)} ` +
        `(--set changed ${param})`,
      set,
    );
  }
  // the learning rate of Figure 3's runs is a setting: their ids do not name it
  assert.equal(problems("fig3-sigma1-*.lr=0.025"), "");
});

Deno.test("fetch's localDir is a folder that exists, or empty for none", () => {
  const here = new URL(".", import.meta.url).pathname.replace(/\/$/, "");
  const file = new URL(import.meta.url).pathname;
  assert.equal(problems(`fetch-mnist.localDir=${here}`), "");
  assert.equal(problems("fetch-cifar10.localDir="), "");
  assert.equal(
    problems("fetch-mnist.localDir=/nonexistent/mnist"),
    'Expected fetch-mnist.localDir to be a directory that exists, or "" for none (there is no ' +
      '/nonexistent/mnist) but found "/nonexistent/mnist" (--set changed localDir)',
  );
  assert.equal(
    problems(`fetch-cifar10.localDir=${file}`),
    `Expected fetch-cifar10.localDir to be a directory that exists, or "" for none (${file} is ` +
      `not a directory) but found "${file}" (--set changed localDir)`,
  );
});
