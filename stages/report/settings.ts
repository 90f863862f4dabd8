/**
 * What ran against what the scale preset would have run: every param of every stage behind the
 * report, read back from the store ({@link ../../pipeline/lineage.ts}), compared with the same
 * stage in the preset DAG. A `--set` override shows up here, grouped over the stages it changed,
 * so that a variant's report never passes for the preset's.
 */
import { canonicalJson } from "../../pipeline/hash.ts";
import type { SettingChange, SettingsReport } from "./types.ts";

/** A stage as planned (preset) or as recorded in the store (ran). */
export interface StageParams {
  id: string;
  params: unknown;
}

const ABSENT = "(absent)";

function show(v: unknown): string {
  return v === undefined ? ABSENT : canonicalJson(v);
}

function fields(params: unknown): Record<string, unknown> {
  return params !== null && typeof params === "object" && !Array.isArray(params)
    ? params as Record<string, unknown>
    : { "(params)": params };
}

/** Compare the stages that ran with the preset's; pure. */
export function settingsDiff(
  preset: StageParams[],
  ran: StageParams[],
  unreadable: string[] = [],
): SettingsReport {
  const planned = new Map(preset.map((s) => [s.id, fields(s.params)]));
  const groups = new Map<string, SettingChange>();
  const extra: string[] = [];
  for (const stage of ran) {
    const want = planned.get(stage.id);
    if (!want) {
      extra.push(stage.id);
      continue;
    }
    const got = fields(stage.params);
    for (const param of [...new Set([...Object.keys(want), ...Object.keys(got)])].sort()) {
      const p = show(want[param]), u = show(got[param]);
      if (p === u) continue;
      const g = `${param}\u0000${p}\u0000${u}`;
      const change = groups.get(g) ?? { param, preset: p, used: u, stages: [] };
      change.stages.push(stage.id);
      groups.set(g, change);
    }
  }
  const changes = [...groups.values()].sort((a, b) =>
    a.stages[0] < b.stages[0] ? -1 : a.stages[0] > b.stages[0] ? 1 : a.param < b.param ? -1 : 1
  );
  return { checked: ran.length, changes, extra: extra.sort(), unreadable: [...unreadable].sort() };
}

/** One sentence on the comparison, for the head of the report. */
export function settingsSummary(s: SettingsReport, scale: string): string {
  const parts: string[] = [];
  if (s.changes.length === 0 && s.extra.length === 0) {
    parts.push(
      `All ${s.checked} stages behind this report ran with the "${scale}" preset's params.`,
    );
  } else {
    const stages = new Set([...s.changes.flatMap((c) => c.stages), ...s.extra]).size;
    parts.push(
      `${stages} of the ${s.checked} stages behind this report ran with params other than the ` +
        `"${scale}" preset's (a --set override, or a stage the preset does not have): the ` +
        `decisions below describe the preset, the table says what ran instead.`,
    );
  }
  if (s.unreadable.length > 0) {
    parts.push(
      `The settings of ${s.unreadable.length} upstream cache entr` +
        `${s.unreadable.length === 1 ? "y" : "ies"} could not be read (missing from the store): ` +
        `${s.unreadable.map((k) => k.slice(0, 12)).join(", ")}.`,
    );
  }
  return parts.join(" ");
}
