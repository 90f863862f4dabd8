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
