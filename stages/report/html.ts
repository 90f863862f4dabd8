/** Self-contained HTML rendering of the report model: figures inline, no scripts, no requests. */
import { Buffer } from "node:buffer";
import { VERDICT_TEXT } from "./markdown.ts";
import { settingsRows, settingsSummary } from "./settings.ts";
import type { ClaimRow, DecisionRow, ReportModel, Verdict } from "./types.ts";

/** Escape text for HTML content and attribute values. */
export function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const STYLE = `
body{font-family:"DejaVu Sans",Verdana,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.4}
table{border-collapse:collapse;margin:1em 0;font-size:0.9em}
th,td{border:1px solid #bbb;padding:0.3em 0.5em;vertical-align:top;text-align:left}
th{background:#eee}
.verdict{font-weight:bold;white-space:nowrap;padding:0.1em 0.4em;border-radius:3px}
.pass{background:#d4edda;color:#155724}.fail{background:#f8d7da;color:#721c24}
.not-run{background:#e2e3e5;color:#383d41}.info{background:#d1ecf1;color:#0c5460}
ul.checks{margin:0;padding-left:1.1em}.criterion{color:#555;font-size:0.9em}
figure{margin:2em 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}
figcaption{font-size:0.9em;margin-top:0.5em}code,pre{font-size:0.85em}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:0.5em}`;

function badge(v: Verdict): string {
  return `<span class="verdict ${v}">${VERDICT_TEXT[v]}</span>`;
}

function claimTable(rows: ClaimRow[]): string {
  const body = rows.map((r) => {
    const checks = r.checks.map((c) =>
      `<li>${esc(c.label)}: ${esc(c.measured)} ${badge(c.verdict)}` +
      (c.criterion ? `<br><span class="criterion">criterion: ${esc(c.criterion)}</span>` : "") +
      "</li>"
    ).join("");
    return `<tr id="claim-${esc(r.id)}" data-verdict="${r.verdict}"><td>${esc(r.id)} [${
      esc(r.tag)
    }]</td><td>${esc(r.statement)}</td><td><ul class="checks">${checks}</ul></td><td>${
      esc(r.scale || "—")
    }</td><td>${badge(r.verdict)}</td></tr>`;
  }).join("\n");
  return `<table><thead><tr><th>claim</th><th>statement</th><th>measured</th><th>scale</th>` +
    `<th>verdict</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function decisionTable(rows: DecisionRow[]): string {
  return `<table><thead><tr><th>topic</th><th>decision</th><th>status</th></tr></thead><tbody>` +
    rows.map((d) =>
      `<tr><td>${esc(d.topic)}</td><td>${esc(d.decision)}</td><td>${esc(d.status)}</td></tr>`
    ).join("\n") + "</tbody></table>";
}

function settingsBlock(m: ReportModel): string {
  const s = m.settings;
  if (!s) return "";
  const note = `<p><b>Settings.</b> ${esc(settingsSummary(s, m.scale))}</p>`;
  const rows = settingsRows(s).map((r) =>
    `<tr><td>${esc(r.param)}</td><td>${esc(r.preset)}</td><td>${
      r.used === null ? "—" : `<b>${esc(r.used)}</b>`
    }</td><td>${esc(r.stages)}</td></tr>`
  );
  if (rows.length === 0) return note;
  return `${note}\n<table><thead><tr><th>param</th><th>preset</th><th>ran with</th>` +
    `<th>stages</th></tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`;
}

function figures(m: ReportModel): string {
  return m.figures.map((f) => {
    const img = f.png
      ? `<img src="data:image/png;base64,${Buffer.from(f.png.bytes).toString("base64")}" ` +
        `width="${Math.round(f.png.width / 2)}" height="${Math.round(f.png.height / 2)}" ` +
        `alt="${esc(`R${f.number}. ${f.title}`)}">`
      : `<p>${badge("not-run")} no PNG was written for this figure</p>`;
    return `<figure id="fig-${esc(f.name)}" data-stage="${esc(f.stage)}">${img}<figcaption>` +
      `<b>R${f.number}.</b> ${esc(f.caption)}</figcaption></figure>`;
  }).join("\n");
}

/** Render the report as one self-contained HTML document. */
export function renderHtml(m: ReportModel): string {
  const c = m.counts;
  const prov = m.provenance.map((p) =>
    `<tr><td>${esc(p.id)}</td><td><code>${esc(p.key)}</code></td><td>${esc(p.startedAt)}</td>` +
    `<td>${esc(p.endedAt)}</td><td>${
      p.durationS === null ? "—" : `${p.durationS.toFixed(2)} s`
    }</td><td>${esc(p.tools)}</td></tr>`
  ).join("\n");
  const params = m.provenance.map((p) =>
    `<details><summary>params of ${esc(p.id)}</summary><pre>${
      esc(JSON.stringify(JSON.parse(p.params), null, 1))
    }</pre></details>`
  ).join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${esc(m.title)}</title><style>${STYLE}</style></head><body>
<h1>${esc(m.title)}</h1>
<p>Scale <b>${esc(m.scale)}</b>, execution provider <b>${esc(m.ep)}</b>. Claims of SPEC section 6:
${c.pass} pass, ${c.fail} fail, ${c["not-run"]} not run.</p>
${settingsBlock(m)}
<h2>1. Claims (SPEC section 6)</h2>
${claimTable(m.claims)}
${
    m.supplementary.length
      ? `<h3>Other measurements (no SPEC 6 criterion)</h3>\n${claimTable(m.supplementary)}`
      : ""
  }
<h2>2. Figures</h2>
${figures(m)}
<h2>3. Decisions</h2>
<h3>Where the paper is silent (SPEC section 7, as adopted)</h3>
${decisionTable(m.specDecisions)}
<h3>Project decisions</h3>
${decisionTable(m.projectDecisions)}
<h2>4. Provenance</h2>
<p>Report built at scale <b>${esc(m.scale)}</b> with execution provider <b>${esc(m.ep)}</b>.</p>
<table><thead><tr><th>stage</th><th>key</th><th>started</th><th>ended</th><th>duration</th>
<th>tools</th></tr></thead><tbody>
${prov}
</tbody></table>
${params}
</body></html>
`;
}
