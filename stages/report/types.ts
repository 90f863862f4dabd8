/** The report model: what the renderers draw, built by a pure function from the inputs' results. */
import type { FlowCheck } from "./flow_check.ts";

/** Outcome of one check against its criterion; "info" is measured but has no SPEC criterion. */
export type Verdict = "pass" | "fail" | "not-run" | "info";

/** One measured quantity, its criterion and the verdict. */
export interface Check {
  label: string;
  measured: string;
  criterion: string;
  verdict: Verdict;
}

/** A figure an input stage wrote (`figures/<name>.vl.json` with its title as caption). */
export interface FigureRef {
  stage: string;
  name: string;
  title: string;
  subtitle: string[];
  /** Files present beside the spec, e.g. ["vl.json", "svg", "png", "csv"]. */
  files: string[];
  /** PNG bytes and their size in pixels (rendered at twice the nominal size). */
  png?: { bytes: Uint8Array; width: number; height: number };
}

/** Everything the report knows about one input stage. */
export interface InputResult {
  id: string;
  key: string;
  params: Record<string, unknown>;
  startedAt: string;
  endedAt: string;
  tools: Record<string, string>;
  /** Parsed top-level JSON files of the stage's output, by file name (summary.json, slopes.json). */
  summaries: Record<string, unknown>;
  figures: FigureRef[];
}

/** What a claim evaluator sees. */
export interface ClaimContext {
  input(id: string): InputResult | undefined;
  flowCheck?: FlowCheck;
}

/** A claim of SPEC section 6 and how to evaluate it. */
export interface ClaimDef {
  id: string;
  tag: string;
  statement: string;
  /** Stages that measure it; the claim is not run when none of them is an input. */
  stages: string[];
  evaluate(ctx: ClaimContext): { scale: string; checks: Check[] };
}

/** One row of the claim table. */
export interface ClaimRow {
  id: string;
  tag: string;
  statement: string;
  stages: string[];
  scale: string;
  checks: Check[];
  verdict: Verdict;
}

/** A decision taken where the paper is silent. */
export interface Decision {
  topic: string;
  decision: string;
  /** Stage ids the decision affects (empty: the whole project). */
  appliesTo: string[];
  /**
   * A project decision (by topic) that replaces this one, at the listed scales only if `scales` is
   * given: the report then says so instead of "in effect".
   */
  replacedBy?: { topic: string; scales?: string[]; what: string };
  /** It states step counts, grids, epochs, data sizes or seeds, which the smoke scale reduces. */
  sizes?: boolean;
}

/** A decision with its status in this report. */
export interface DecisionRow extends Decision {
  status: string;
}

/** Provenance of one input stage. */
export interface ProvenanceRow {
  id: string;
  key: string;
  params: string;
  startedAt: string;
  endedAt: string;
  durationS: number | null;
  tools: string;
}

/** A param that ran with another value than the scale preset's, over the stages it affects. */
export interface SettingChange {
  param: string;
  /** Canonical JSON of the preset's value, or "(absent)". */
  preset: string;
  used: string;
  stages: string[];
}

/** The settings that ran, compared with the scale preset (stages/report/settings.ts). */
export interface SettingsReport {
  /** Stages behind the report whose params were read back from the store. */
  checked: number;
  changes: SettingChange[];
  /** Stages that ran but are not in the preset DAG (runs that `--config` added). */
  extra: string[];
  /**
   * Stages of the preset DAG that are not behind the report (runs that `--config` dropped); empty
   * when some entries were unreadable, since what is behind them is unknown.
   */
  missing: string[];
  /** Cache keys of upstream entries whose manifest could not be read. */
  unreadable: string[];
}

/** A numbered figure with its caption. */
export interface NumberedFigure extends FigureRef {
  number: number;
  caption: string;
}

/** The whole report. */
export interface ReportModel {
  title: string;
  scale: string;
  ep: string;
  counts: Record<Verdict, number>;
  claims: ClaimRow[];
  supplementary: ClaimRow[];
  figures: NumberedFigure[];
  specDecisions: DecisionRow[];
  projectDecisions: DecisionRow[];
  provenance: ProvenanceRow[];
  /** How the settings that ran compare with the preset; absent when not computed. */
  settings?: SettingsReport;
}
