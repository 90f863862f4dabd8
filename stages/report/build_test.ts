// The pure builder on synthetic results: a failing measurement is FAIL in both renderings, a claim
// whose stage is not an input is NOT RUN (naming the stage), and every text is escaped.
import assert from "node:assert/strict";
import { SHOWCASE } from "../_theory_cases.ts";
import {
  buildReport,
  checkFlow,
  esc,
  type InputResult,
  mdEscape,
  renderHtml,
  renderMarkdown,
  type ReportModel,
  settingsDiff,
} from "./mod.ts";

const PNG = Uint8Array.from([
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  0,
  0,
  0,
  13,
  0x49,
  0x48,
  0x44,
  0x52,
  0,
  0,
  0,
  40,
  0,
  0,
  0,
  20,
]);

function theoryCase(name: string, maxAbsErrOverA: number) {
  return {
    case: name,
    etaU: 0.001,
    etaW: 0.001,
    k0: 0.003,
    kInf: 0.003,
    g0: 0.5,
    status: "converged",
    mechanism: "kernel",
    zetaSignedInfTheory: 0.001,
    zetaSignedGdFinal: 0.001,
    cosTheta0: 0.05,
    cosThetaInf: 0.09,
    maxAbsErrOverA,
    finalGapOverA: 1e-12,
    divergedAt: null,
  };
}

/** theory-vs-gd with a GD error of 4.2% of |a| (criterion: ≤ 0.3%) and a hostile case name. */
function theoryInput(): InputResult {
  return {
    id: "theory-vs-gd",
    key: "k".repeat(64),
    params: { cases: SHOWCASE, kappa: 0.02 },
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: "2026-01-01T00:00:02.500Z",
    tools: { deno: "2.9.6" },
    summaries: {
      "summary.json": {
        kappa: 0.02,
        steps: 3000,
        cases: [theoryCase("<script>alert(1)</script> | *x*", 0.042), theoryCase("ok", 0.001)],
      },
    },
    figures: [{
      stage: "theory-vs-gd",
      name: "theory_vs_gd",
      title: "A <b>title</b> & more",
      subtitle: ["line one"],
      files: ["vl.json", "png"],
      png: { bytes: PNG, width: 40, height: 20 },
    }],
  };
}

function claimRowMd(md: string, id: string): string {
  const row = md.split("\n").find((l) => l.startsWith(`| ${id} \\[`));
  assert.ok(row, `claim ${id} has a row`);
  return row;
}

function claimRowHtml(html: string, id: string): string {
  const m = html.match(new RegExp(`<tr id="claim-${id}"[^]*?</tr>`));
  assert.ok(m, `claim ${id} has a row`);
  return m[0];
}

Deno.test("buildReport() shows a failing measurement as FAIL and a missing stage as NOT RUN", () => {
  const model = buildReport([theoryInput()], {
    scale: "smoke",
    ep: "cpu",
    flowCheck: checkFlow(SHOWCASE.filter((c) => c.d <= 100)),
  });
  const byId = Object.fromEntries(model.claims.map((c) => [c.id, c]));
  assert.deepEqual(model.claims.map((c) => c.id), "1 2 3 4 5 6 7 8 9 10".split(" "));
  assert.equal(byId["1"].verdict, "fail");
  assert.match(byId["1"].checks[1].measured, /^4\.20% /);
  assert.equal(byId["2"].verdict, "pass");
  for (const id of ["4", "5", "6", "7", "8", "10"]) assert.equal(byId[id].verdict, "not-run", id);
  assert.match(byId["4"].checks[0].measured, /stage "zeta-vs-width"/);
  assert.match(byId["7"].checks[0].measured, /stage "figure3" or "cifar-fcn"/);
  assert.equal(model.counts.fail, 1);

  const md = renderMarkdown(model);
  assert.match(claimRowMd(md, "1"), /\| \*\*FAIL\*\* \|$/);
  assert.match(claimRowMd(md, "1"), /4\.20%/);
  assert.match(claimRowMd(md, "5"), /\| \*\*NOT RUN\*\* \|$/);
  assert.match(claimRowMd(md, "5"), /figure1/);
  assert.ok(!md.includes("<script>") && md.includes("&lt;script&gt;"));
  assert.match(md, /!\[R1\]\(report_files\/theory_vs_gd\.png\)/);

  const html = renderHtml(model);
  assert.match(claimRowHtml(html, "1"), /<td><span class="verdict fail">FAIL<\/span><\/td><\/tr>$/);
  assert.match(claimRowHtml(html, "1"), /4\.20%/);
  assert.match(
    claimRowHtml(html, "5"),
    /<span class="verdict not-run">NOT RUN<\/span><\/td><\/tr>$/,
  );
  assert.ok(!html.includes("<script>") && !html.includes("<b>title</b>"));
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.match(html, /<img src="data:image\/png;base64,[A-Za-z0-9+/=]+" width="20" height="10"/);
});

Deno.test("buildReport() reports a summary of the wrong shape as a failure to measure", () => {
  const bad = { ...theoryInput(), summaries: { "summary.json": { kappa: 0.02 } } };
  const model = buildReport([bad], { scale: "smoke", ep: "cpu" });
  const c9 = model.claims.find((c) => c.id === "9")!;
  assert.equal(c9.verdict, "fail");
  assert.match(c9.checks[0].label, /evaluation error/);
});

/** An experiment stage's result whose summary.json lists `runs` (the contracts.ts shape). */
function runsInput(id: string, runs: Record<string, unknown>[]): InputResult {
  return { ...theoryInput(), id, params: {}, summaries: { "summary.json": { runs } }, figures: [] };
}

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
  const run = (sigma: number, test: number, diverged = false) => ({
    model: "resnet18-x0.125",
    sigma,
    bestTrainAcc: null,
    bestTestAcc: test,
    diverged,
  });
  // σ = 2's diverged run reached 0.9 before diverging: averaged in, it would break the trend
  const runs = [run(1, 0.6), run(1, 0.62), run(2, 0.55), run(2, 0.9, true), run(4, 0.5)];
  const claim7 = (rs: Record<string, unknown>[]) =>
    buildReport([runsInput("figure3", rs)], { scale: "default", ep: "cpu" }).claims.find((c) =>
      c.id === "7"
    )!;
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
  const run = (sigma: number, seed: number | undefined, test: number, diverged = false) => ({
    model: "resnet18-x0.125",
    sigma,
    seed,
    bestTrainAcc: null,
    bestTestAcc: test,
    diverged,
  });
  const claim7 = (rs: Record<string, unknown>[]) =>
    buildReport([runsInput("figure3", rs)], { scale: "default", ep: "cpu" }).claims.find((c) =>
      c.id === "7"
    )!;
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

Deno.test("buildReport() leaves a diverged run's missing ζ out of the separation and fails it when a parametrisation has none", () => {
  const zeta = (parametrisation: string, regime: string, zetaFinal: number | null) => ({
    parametrisation,
    regime,
    d: 10000,
    seed: 0,
    zetaFinal,
    diverged: zetaFinal === null,
  });
  const runs = [
    zeta("mean-field", "feature", 0.5),
    zeta("mean-field", "feature", null),
    zeta("ntk", "kernel", 0.01),
  ];
  const claim5 = (rs: Record<string, unknown>[]) =>
    buildReport([runsInput("figure1", rs)], { scale: "default", ep: "cpu" }).claims.find((c) =>
      c.id === "5"
    )!;
  const c5 = claim5(runs);
  assert.equal(c5.verdict, "pass"); // 0.5 / 0.01, the null not read as 0
  assert.match(c5.checks[0].measured, /^50 .*; diverged, not in the means: mean-field 1 of 2$/);
  const lost = claim5([zeta("mean-field", "feature", null), ...runs.slice(2)]);
  assert.equal(lost.verdict, "fail");
  assert.match(lost.checks[0].measured, /^not shown: every run of mean-field diverged \[ntk/);
  const noKernel = claim5([zeta("mean-field", "feature", 0.5)]);
  assert.equal(noKernel.verdict, "fail");
  assert.match(noKernel.checks[0].measured, /^not shown: no kernel-regime run at d = 10000/);
  assert.equal(
    claim5([
      zeta("mean-field", "feature", 0.5),
      zeta("ntk", "kernel", null),
      zeta("ntk2", "kernel", 0.01),
    ]).verdict,
    "fail",
  );
});

Deno.test("renderMarkdown() and renderHtml() put the settings that differ from the preset ahead of the claims", () => {
  const settings = settingsDiff(
    { "fig3-sigma1-seed0": { epochs: 4, tag: "a" } },
    [
      { id: "fig3-sigma1-seed0", params: { epochs: 8, tag: "<b>|" } },
      { id: "my-stage", params: {} },
    ],
  );
  const model = buildReport([], { scale: "default", ep: "cpu", settings });
  const md = renderMarkdown(model), html = renderHtml(model);
  const mdHead = md.slice(0, md.indexOf("## 1. Claims"));
  assert.match(mdHead, /2 of the 2 stages behind this report ran with params other than/);
  assert.match(mdHead, /\| \(stage not in the preset\) \| — \| — \| my-stage \|/);
  assert.match(mdHead, /\| epochs \| 4 \| \*\*8\*\* \| fig3-sigma1-seed0 \|/);
  assert.match(mdHead, /\| tag \| "a" \| \*\*"&lt;b&gt;\\\|"\*\* \|/);
  const htmlHead = html.slice(0, html.indexOf("<h2>1. Claims"));
  assert.match(
    htmlHead,
    /<td>epochs<\/td><td>4<\/td><td><b>8<\/b><\/td><td>fig3-sigma1-seed0<\/td>/,
  );
  assert.match(htmlHead, /<td><b>&quot;&lt;b&gt;\|&quot;<\/b><\/td>/);
  assert.match(
    htmlHead,
    /<td>\(stage not in the preset\)<\/td><td>—<\/td><td>—<\/td><td>my-stage<\/td>/,
  );

  const same = buildReport([], {
    scale: "default",
    ep: "cpu",
    settings: settingsDiff({ x: { a: 1 } }, [{ id: "x", params: { a: 1 } }]),
  });
  assert.match(
    renderMarkdown(same),
    /\*\*Settings\.\*\* The one stage behind this report ran with/,
  );
  assert.doesNotMatch(renderMarkdown(same), /\| param \| preset \|/);
  assert.doesNotMatch(renderHtml(same), /<th>ran with<\/th>/);
  // Without a comparison (a model built by hand) there is no settings line at all.
  assert.doesNotMatch(renderMarkdown(buildReport([], { scale: "default", ep: "cpu" })), /Settings/);
});

Deno.test("buildReport() judges claim 1's GD error at SPEC's largest step when the stage ran it", () => {
  const input = theoryInput();
  const summary = input.summaries["summary.json"] as Record<string, unknown>;
  summary.kappa = 0.003;
  summary.cases = [theoryCase("small", 0.0018), theoryCase("ok", 0.001)];
  const gd = (m: ReturnType<typeof buildReport>) =>
    m.claims.find((c) => c.id === "1")!.checks.find((c) => c.label.startsWith("GD vs closed"))!;
  // without a run at the limit: judged at the figure's step, and said so
  const before = gd(buildReport([input], { scale: "default", ep: "cpu" }));
  assert.equal(before.verdict, "pass");
  assert.match(before.measured, /Judged at κ ≤ 0\.003 only: the 0\.02 end of SPEC's range/);
  summary.limit = {
    kappa: 0.02,
    cases: [{ case: "small", maxAbsErrOverA: 0.0096, divergedAt: null }, {
      case: "ok",
      maxAbsErrOverA: 0.002,
      divergedAt: null,
    }],
  };
  const after = gd(buildReport([input], { scale: "default", ep: "cpu" }));
  assert.equal(after.verdict, "fail");
  assert.match(after.measured, /^0\.96% \(worst case: small\) at κ = .* = 0\.02 over 3000 steps/);
  assert.match(after.measured, /; 0\.18% \(worst case: small\) at κ = .* = 0\.003/);
  assert.match(after.measured, /Judged at every κ ≤ 0\.02 that ran/);
  // a step below SPEC's limit that fails is not hidden by a smaller one that passes, and a step
  // beyond the limit is reported but not judged
  summary.kappa = 0.02;
  summary.cases = [theoryCase("small", 0.042)];
  summary.limit = {
    kappa: 0.01,
    cases: [{ case: "small", maxAbsErrOverA: 0.001, divergedAt: null }],
  };
  assert.equal(gd(buildReport([input], { scale: "default", ep: "cpu" })).verdict, "fail");
  summary.kappa = 0.003;
  summary.cases = [theoryCase("small", 0.0018)];
  summary.limit = {
    kappa: 0.05,
    cases: [{ case: "small", maxAbsErrOverA: 0.004, divergedAt: null }],
  };
  const beyond = gd(buildReport([input], { scale: "default", ep: "cpu" }));
  assert.equal(beyond.verdict, "pass");
  assert.match(beyond.measured, /0\.40% .* = 0\.05 .*\(not judged: κ > 0\.02\)/);
  assert.match(beyond.measured, /Judged at κ ≤ 0\.003 only/);
});

Deno.test("buildReport() marks a SPEC decision a project decision replaces at the report's scale", () => {
  const status = (scale: string, topic: string) =>
    buildReport([], { scale, ep: "cpu" }).specDecisions.find((d) => d.topic === topic)!.status;
  assert.equal(
    status("default", "Optimiser for Fig. 1 / App. C"),
    `Appendix C's step count replaced at default scale by the project decision "Figure 1 and ` +
      `Appendix C runs"; pending: figure1, appendix-c`,
  );
  assert.equal(status("paper", "Optimiser for Fig. 1 / App. C"), "pending: figure1, appendix-c");
  assert.equal(
    status("smoke", "σ grids for the CIFAR-10 studies"),
    "its sizes reduced at smoke scale (README, Scales); pending: figure3, cifar-fcn",
  );
  assert.match(
    status("paper", "Fig. 2 widths, σ grid, loss"),
    /^the learning rate replaced by the project decision "Figure 2 learning rate"/,
  );
});

Deno.test("esc() and mdEscape() escape ampersands, quotes and line breaks", () => {
  assert.equal(
    esc(`<a title="x" alt='y'>&amp;</a>`),
    "&lt;a title=&quot;x&quot; alt=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
  );
  assert.equal(mdEscape("a &amp; b\r\nc\nd"), "a &amp;amp; b c d");
});

Deno.test("renderMarkdown() and renderHtml() render supplementary rows, decisions, figures and provenance from their own fields", () => {
  const base = buildReport([theoryInput()], { scale: "smoke", ep: "cpu" });
  const model: ReportModel = {
    ...base,
    counts: { pass: 1, fail: 2, "not-run": 3, info: 4 },
    supplementary: [{
      id: "s1",
      tag: "extra",
      statement: "one line\r\nanother",
      stages: [],
      scale: "",
      checks: [{ label: "gap", measured: "0.5", criterion: "below <1>", verdict: "info" }],
      verdict: "info",
    }],
    specDecisions: [{
      topic: "S topic",
      decision: "S decision",
      appliesTo: [],
      status: "S status",
    }],
    projectDecisions: [{
      topic: "P topic",
      decision: "P decision",
      appliesTo: [],
      status: "P|status",
    }],
    figures: [{ ...base.figures[0], name: "a b#c", title: "" }],
    provenance: [
      { ...base.provenance[0], key: "k1", params: '{"a":1}', durationS: 2.5 },
      {
        ...base.provenance[0],
        id: "odd",
        key: "ab`c",
        params: JSON.stringify({ note: "</pre><script>x</script>", s: "```" }),
      },
    ],
  };
  const md = renderMarkdown(model), html = renderHtml(model);
  // counts: the "not run" figure is the not-run count, not the info count
  assert.match(md, /1 pass, 2 fail, 3 not run\./);
  assert.match(html, /1 pass, 2 fail, 3 not run\./);

  // one supplementary row is enough for its section; its empty scale shows as a dash
  assert.match(md, /### Other measurements/);
  assert.match(
    md,
    /^\| s1 \\\[extra\\\] \| one line another \| gap: 0\.5 \(criterion: below &lt;1&gt;\) \*\*INFO\*\* \| — \| \*\*INFO\*\* \|$/m,
  );
  const row = claimRowHtml(html, "s1");
  assert.match(row, /^<tr id="claim-s1" data-verdict="info">/);
  assert.match(row, /criterion: below &lt;1&gt;/);
  assert.match(row, /<td>—<\/td><td><span class="verdict info">INFO<\/span><\/td><\/tr>$/);

  // each decision table shows its own rows, with the status column escaped
  const projectMd = md.slice(md.indexOf("### Project decisions"));
  assert.match(projectMd, /^\| P topic \| P decision \| P\\\|status \|$/m);
  assert.doesNotMatch(projectMd, /S topic/);
  const projectHtml = html.slice(html.indexOf("<h3>Project decisions</h3>"));
  assert.match(projectHtml, /<tr><td>P topic<\/td><td>P decision<\/td><td>P\|status<\/td><\/tr>/);
  assert.doesNotMatch(projectHtml, /S topic/);

  // an untitled figure is headed by its name; its file name is URL-encoded in the links
  assert.match(md, /^### R1\. a b\\#c$/m);
  assert.match(md, /!\[R1\]\(report_files\/a%20b%23c\.png\)/);

  // provenance: durations in hundredths, no backtick inside the key's code span, params fenced
  // by a fence longer than any backtick run in them and escaped in the HTML
  assert.match(md, /^\| theory-vs-gd \| `k1` \| .* \| 2\.50 s \|/m);
  assert.match(html, /<td>2\.50 s<\/td>/);
  assert.match(md, /^\| odd \| `abc` \|/m);
  assert.ok(md.includes('Params of theory-vs-gd:\n\n```json\n{"a":1}\n```\n'));
  assert.ok(md.includes("\n````json\n" + model.provenance[1].params + "\n````\n"));
  assert.ok(!html.includes("</pre><script>") && html.includes("&lt;/pre&gt;&lt;script&gt;"));
});

Deno.test("buildReport() gives each input's provenance: seconds from start to end, tools as name and version", () => {
  const input = theoryInput();
  const [p] = buildReport([{ ...input, tools: { deno: "2.9.6", onnxruntime: "1.30.0" } }], {
    scale: "smoke",
    ep: "cpu",
  }).provenance;
  assert.deepEqual(p, {
    id: "theory-vs-gd",
    key: input.key,
    params: JSON.stringify(input.params),
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: "2026-01-01T00:00:02.500Z",
    durationS: 2.5,
    tools: "deno 2.9.6, onnxruntime 1.30.0",
  });
  // a stage whose manifest has no end time has no duration
  const open = buildReport([{ ...input, endedAt: "" }], { scale: "smoke", ep: "cpu" });
  assert.equal(open.provenance[0].durationS, null);
});
