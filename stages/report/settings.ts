/**
 * What ran against what the scale preset would have run: every param of every stage behind the
 * report, read back from the store (`pipeline/lineage.ts`), compared with the same stage in the
 * preset DAG. A `--set` override shows up here, grouped over the stages it changed, and so do the
 * runs that `--config` added or dropped, so that a variant's report never passes for the preset's.
 */
import { canonicalJson } from "../../pipeline/hash.ts";
import type { SettingChange, SettingsReport } from "./types.ts";

type ParamsOf = Readonly<Record<string, unknown>>;

/** A stage as recorded in the store: its id and the params it ran with. */
export interface RanStage {
  id: string;
  params: ParamsOf;
}

const ABSENT = "(absent)";

function show(v: unknown): string {
  return v === undefined ? ABSENT : canonicalJson(v);
}

/** Compare the stages that ran with the preset (params by stage id); pure. */
export function settingsDiff(
  preset: Readonly<Record<string, ParamsOf>>,
  ran: RanStage[],
  unreadable: string[] = [],
): SettingsReport {
  const groups = new Map<string, SettingChange>();
  const extra: string[] = [];
  for (const stage of ran) {
    const want = Object.hasOwn(preset, stage.id) ? preset[stage.id] : undefined;
    if (!want) {
      extra.push(stage.id);
      continue;
    }
    const got = stage.params;
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
  const seen = new Set(ran.map((r) => r.id));
  const missing = unreadable.length > 0 ? [] : Object.keys(preset).filter((id) => !seen.has(id));
  return {
    checked: ran.length,
    changes,
    extra: extra.sort(),
    missing: missing.sort(),
    unreadable: [...unreadable].sort(),
  };
}

/** A row of the settings table; `used` is null on the rows of stages added or dropped. */
export interface SettingsRow {
  param: string;
  preset: string;
  used: string | null;
  stages: string;
}

/**
 * The table under the summary, one row per change and one for stages the preset lacks; empty when
 * everything ran as preset. Both renderings draw it.
 */
export function settingsRows(s: SettingsReport): SettingsRow[] {
  const rows: SettingsRow[] = s.changes.map((c) => ({ ...c, stages: c.stages.join(", ") }));
  if (s.extra.length > 0) {
    rows.push({
      param: "(stage not in the preset)",
      preset: "—",
      used: null,
      stages: s.extra.join(", "),
    });
  }
  if (s.missing.length > 0) {
    rows.push({
      param: "(preset stage that did not run)",
      preset: "—",
      used: null,
      stages: s.missing.join(", "),
    });
  }
  return rows;
}

/** The comparison in a sentence or two, for the head of the report. */
export function settingsSummary(s: SettingsReport, scale: string): string {
  const differ = new Set([...s.changes.flatMap((c) => c.stages), ...s.extra]).size;
  const scope = s.unreadable.length === 0
    ? "behind this report"
    : "behind this report whose settings could be read";
  const all = s.checked === 1 ? `The one stage ${scope}` : `All ${s.checked} stages ${scope}`;
  const some = s.checked === 1 ? all : `${differ} of the ${s.checked} stages ${scope}`;
  const m = s.missing.length;
  const dropped = `${m} of the preset's stages ${m === 1 ? "is" : "are"} not behind it (--config ` +
    `dropped ${m === 1 ? "it" : "them"})`;
  const instead = "the decisions below describe the preset, the table says what ran instead.";
  const head = differ === 0 && m === 0
    ? `${all} ran with the "${scale}" preset's params.`
    : differ === 0
    ? `${all} ran with the "${scale}" preset's params, but ${dropped}: ${instead}`
    : `${some} ran with params other than the "${scale}" preset's (a --set or --config ` +
      `override, or a stage the preset does not have)${m > 0 ? `, and ${dropped}` : ""}: ` +
      instead;
  const n = s.unreadable.length;
  if (n === 0) return head;
  const them = n === 1 ? "it" : "them";
  return `${head} ${n} upstream cache ${n === 1 ? "entry was" : "entries were"} missing or ` +
    `unreadable, so ${n === 1 ? "it" : "they"} and anything upstream of ${them} could not be ` +
    `checked: ${s.unreadable.map((k) => k.slice(0, 12)).join(", ")}.`;
}
