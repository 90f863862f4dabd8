/** The pure report builder: inputs' parsed results (and the ODE check) in, report model out. */
import { EXPERIMENT_CLAIMS } from "./claims_experiments.ts";
import { FLOW_CLAIMS } from "./claims_flow.ts";
import { PHASE_ROWS } from "./claims_phase.ts";
import { MECHANISM_CLAIMS } from "./claims_mechanism.ts";
import { WIDTH_CLAIMS } from "./claims_width.ts";
import { PROJECT_DECISIONS, SPEC_DECISIONS } from "./decisions.ts";
import type { FlowCheck } from "./flow_check.ts";
import type {
  Check,
  ClaimDef,
  ClaimRow,
  Decision,
  DecisionRow,
  InputResult,
  NumberedFigure,
  ProvenanceRow,
  ReportModel,
  SettingsReport,
  Verdict,
} from "./types.ts";

/** SPEC section 6, claims 1-10, in order. */
export const CLAIMS: ClaimDef[] = [
  ...FLOW_CLAIMS,
  ...WIDTH_CLAIMS,
  ...MECHANISM_CLAIMS,
  ...EXPERIMENT_CLAIMS,
]
  .sort((a, b) => Number(a.id) - Number(b.id));

/** Options of {@link buildReport}. */
export interface BuildReportOptions {
  scale: string;
  ep: string;
  flowCheck?: FlowCheck;
  settings?: SettingsReport;
  claims?: ClaimDef[];
  supplementary?: ClaimDef[];
}

/** A claim's verdict: fail if any check fails, else pass if any passes, else not run (or info). */
export function aggregate(checks: Check[]): Verdict {
  if (checks.some((c) => c.verdict === "fail")) return "fail";
  if (checks.some((c) => c.verdict === "pass")) return "pass";
  if (checks.length > 0 && checks.every((c) => c.verdict === "info")) return "info";
  return "not-run";
}

function evaluateClaim(def: ClaimDef, inputs: Map<string, InputResult>, flowCheck?: FlowCheck) {
  const present = def.stages.filter((s) => inputs.has(s));
  const base = { id: def.id, tag: def.tag, statement: def.statement, stages: def.stages };
  if (present.length === 0) {
    const which = def.stages.map((s) => `"${s}"`).join(" or ");
    const check: Check = {
      label: "not run",
      measured: `would be measured by stage ${which}, which is not an input of "report" yet`,
      criterion: "",
      verdict: "not-run",
    };
    return { ...base, scale: "", checks: [check], verdict: "not-run" } as ClaimRow;
  }
  try {
    const { scale, checks } = def.evaluate({ input: (id) => inputs.get(id), flowCheck });
    return { ...base, scale, checks, verdict: aggregate(checks) } as ClaimRow;
  } catch (e) {
    // A summary in an unexpected shape is a broken contract, reported as a failure to measure.
    const check: Check = {
      label: "evaluation error",
      measured: `could not read the summaries of ${present.join(", ")}: ${(e as Error).message}`,
      criterion: "",
      verdict: "fail",
    };
    return { ...base, scale: "", checks: [check], verdict: "fail" } as ClaimRow;
  }
}

function decisionRows(
  decisions: Decision[],
  inputs: Map<string, InputResult>,
  scale: string,
): DecisionRow[] {
  return decisions.map((d) => {
    const by = d.replacedBy;
    const at = by?.scales ? ` at ${scale} scale` : "";
    const replaced = [
      by && (!by.scales || by.scales.includes(scale))
        ? `${by.what} replaced${at} by the project decision "${by.topic}"`
        : "",
      d.sizes && scale === "smoke" ? "its sizes reduced at smoke scale (README, Scales)" : "",
    ].filter(Boolean).join("; ");
    if (d.appliesTo.length === 0) return { ...d, status: replaced || "project-wide" };
    const built = d.appliesTo.filter((s) => inputs.has(s));
    const pending = d.appliesTo.filter((s) => !inputs.has(s));
    const status = [
      replaced,
      built.length ? `in effect: ${built.join(", ")}` : "",
      pending.length ? `pending: ${pending.join(", ")}` : "",
    ].filter(Boolean).join("; ");
    return { ...d, status };
  });
}

function caption(stage: string, f: { title: string; subtitle: string[]; name: string }): string {
  const title = f.title || f.name;
  return [title.endsWith(".") ? title : `${title}.`, ...f.subtitle].join(" ") +
    ` (stage "${stage}", figures/${f.name})`;
}

function provenance(input: InputResult): ProvenanceRow {
  const t0 = Date.parse(input.startedAt), t1 = Date.parse(input.endedAt);
  return {
    id: input.id,
    key: input.key,
    params: JSON.stringify(input.params),
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    durationS: Number.isFinite(t0) && Number.isFinite(t1) ? (t1 - t0) / 1000 : null,
    tools: Object.entries(input.tools).map(([k, v]) => `${k} ${v}`).join(", "),
  };
}

/** Build the report model from the inputs (in report order). Pure: no I/O, no clock. */
export function buildReport(inputs: InputResult[], options: BuildReportOptions): ReportModel {
  const byId = new Map(inputs.map((i) => [i.id, i]));
  const claims = (options.claims ?? CLAIMS).map((c) => evaluateClaim(c, byId, options.flowCheck));
  const supplementary = (options.supplementary ?? PHASE_ROWS)
    .filter((c) => c.stages.some((s) => byId.has(s)))
    .map((c) => evaluateClaim(c, byId, options.flowCheck));
  const counts: Record<Verdict, number> = { pass: 0, fail: 0, "not-run": 0, info: 0 };
  for (const c of claims) counts[c.verdict]++;
  const figures: NumberedFigure[] = inputs.flatMap((i) => i.figures).map((f, n) => ({
    ...f,
    number: n + 1,
    caption: caption(f.stage, f),
  }));
  return {
    title: "Three Mechanisms of Feature Learning in a Linear Network: reproduction report",
    scale: options.scale,
    ep: options.ep,
    counts,
    claims,
    supplementary,
    figures,
    specDecisions: decisionRows(SPEC_DECISIONS, byId, options.scale),
    projectDecisions: decisionRows(PROJECT_DECISIONS, byId, options.scale),
    provenance: inputs.map(provenance),
    settings: options.settings,
  };
}
