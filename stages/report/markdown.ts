/** Markdown rendering of the report model; every text from the model is escaped. */
import { settingsRows, settingsSummary } from "./settings.ts";
import type { ClaimRow, DecisionRow, ReportModel, SettingsReport, Verdict } from "./types.ts";

/** Upper-case verdict words, shared with the HTML renderer. */
export const VERDICT_TEXT: Record<Verdict, string> = {
  pass: "PASS",
  fail: "FAIL",
  "not-run": "NOT RUN",
  info: "INFO",
};

/** Escape text for a Markdown paragraph or table cell (no raw HTML, no emphasis, no pipes). */
export function mdEscape(text: string): string {
  return text
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|~#!])/g, "\\$1")
    .replace(/\r?\n/g, " ");
}

function fenced(text: string): string {
  const fence = "`".repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${fence}json\n${text}\n${fence}`;
}

function claimTable(rows: ClaimRow[]): string[] {
  const out = [
    "| claim | statement | measured | scale | verdict |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const r of rows) {
    const checks = r.checks.map((c) =>
      `${mdEscape(c.label)}: ${mdEscape(c.measured)}` +
      (c.criterion ? ` (criterion: ${mdEscape(c.criterion)})` : "") +
      ` **${VERDICT_TEXT[c.verdict]}**`
    ).join("<br>");
    out.push(
      `| ${mdEscape(r.id)} \\[${mdEscape(r.tag)}\\] | ${mdEscape(r.statement)} | ${checks} | ` +
        `${mdEscape(r.scale || "—")} | **${VERDICT_TEXT[r.verdict]}** |`,
    );
  }
  return out;
}

function decisionTable(rows: DecisionRow[]): string[] {
  return [
    "| topic | decision | status |",
    "| --- | --- | --- |",
    ...rows.map((d) =>
      `| ${mdEscape(d.topic)} | ${mdEscape(d.decision)} | ${mdEscape(d.status)} |`
    ),
  ];
}

function settingsBlock(s: SettingsReport | undefined, scale: string): string[] {
  if (!s) return [];
  const out = [`**Settings.** ${mdEscape(settingsSummary(s, scale))}`, ""];
  const rows = settingsRows(s);
  if (rows.length === 0) return out;
  return [
    ...out,
    "| param | preset | ran with | stages |",
    "| --- | --- | --- | --- |",
    ...rows.map((r) =>
      `| ${mdEscape(r.param)} | ${mdEscape(r.preset)} | ` +
      `${r.used === null ? "—" : `**${mdEscape(r.used)}**`} | ${mdEscape(r.stages)} |`
    ),
    "",
  ];
}

/**
 * The folder beside report.md with the report's own copies of its figures (the report stage writes
 * and publishes it), so that what report.md shows cannot change under it.
 */
export const FIGURE_DIR = "report_files";

/** Render the report as Markdown; figures are linked from `FIGURE_DIR/` beside the file (out/). */
export function renderMarkdown(m: ReportModel): string {
  const c = m.counts;
  const lines = [
    `# ${mdEscape(m.title)}`,
    "",
    `Scale **${mdEscape(m.scale)}**, execution provider **${mdEscape(m.ep)}**. Claims of SPEC ` +
    `section 6: ${c.pass} pass, ${c.fail} fail, ${c["not-run"]} not run.`,
    "",
    ...settingsBlock(m.settings, m.scale),
    "## 1. Claims (SPEC section 6)",
    "",
    ...claimTable(m.claims),
    "",
  ];
  if (m.supplementary.length > 0) {
    lines.push(
      "### Other measurements (no SPEC 6 criterion)",
      "",
      ...claimTable(m.supplementary),
      "",
    );
  }
  lines.push(
    "## 2. Figures",
    "",
    "Numbered R1, R2, … in report order; a title that starts with a paper figure's name " +
      '("Figure 1: …", "Appendix C: …") is our reproduction of that figure; the CIFAR-10 FCN ' +
      "figure is SPEC 5.5's experiment and the solvable-model figures are the theory figures of " +
      "SPEC 5.6.",
    "",
  );
  for (const f of m.figures) {
    const path = `${FIGURE_DIR}/${encodeURIComponent(f.name)}`;
    lines.push(
      `### R${f.number}. ${mdEscape(f.title || f.name)}`,
      "",
      `![R${f.number}](${path}.png)`,
      "",
      `*R${f.number}.* ${mdEscape(f.caption)} Files: ` +
        f.files.map((e) => `[${mdEscape(e)}](${path}.${e})`).join(", ") + ".",
      "",
    );
  }
  lines.push(
    "## 3. Decisions",
    "",
    "### Where the paper is silent (SPEC section 7, as adopted)",
    "",
    ...decisionTable(m.specDecisions),
    "",
    "### Project decisions",
    "",
    ...decisionTable(m.projectDecisions),
    "",
    "## 4. Provenance",
    "",
    `Report built at scale **${mdEscape(m.scale)}** with execution provider ` +
      `**${mdEscape(m.ep)}**. Input stages:`,
    "",
    "| stage | key | started | ended | duration | tools |",
    "| --- | --- | --- | --- | --- | --- |",
    ...m.provenance.map((p) =>
      `| ${mdEscape(p.id)} | \`${p.key.replace(/`/g, "")}\` | ${mdEscape(p.startedAt)} | ` +
      `${mdEscape(p.endedAt)} | ${p.durationS === null ? "—" : `${p.durationS.toFixed(2)} s`} | ` +
      `${mdEscape(p.tools)} |`
    ),
    "",
  );
  for (const p of m.provenance) {
    lines.push(`Params of ${mdEscape(p.id)}:`, "", fenced(p.params), "");
  }
  return lines.join("\n");
}
