/**
 * `show --builds`: the builds of a stage that the cache index records (the latest eight), newest
 * first, each with whether its entry is still in the cache and how the planned stage differs from
 * it, as `dvc exp show` lists experiments: after a few `--set` variants, which of them are built
 * and what each changed. `pipeline diff` compares the files of the closest one.
 */
import { FORMAT_VERSION, LEGACY_FORMAT, type Store } from "./cache.ts";
import { rankBuilds } from "./explain.ts";
import type { PlannedStage } from "./plan.ts";
import { formatDuration } from "./progress.ts";

/** One recorded build of a stage. */
export interface BuildRow {
  key: string;
  /** When the build ended. */
  builtAt: string;
  /** How long it ran (ms) and on how many threads, where known (not for a resumed build). */
  ranMs?: number;
  threads?: number;
  /**
   * this: the entry the plan uses; cached: another entry still intact in the cache; gone: deleted
   * (`gc`), quarantined by `verify` or no longer intact.
   */
  state: "this" | "cached" | "gone";
  /**
   * How the planned stage differs from this build (params, code, packages, inputs; each as old ->
   * new, as a dry run explains a rerun), none for the plan's own entry.
   */
  differences: string[];
}

/** The recorded builds of planned stage `p`, newest first. */
export async function stageBuilds(p: PlannedStage, store: Store): Promise<BuildRow[]> {
  const records = await store.readIndex(p.stage.id);
  const found = new Map(
    rankBuilds(p.material, records, undefined, p.legacyMaterial).map((b) => [
      b.record.key,
      b.found,
    ]),
  );
  // the plan's entry: under its key, or the format-1 key it adopts
  const own = p.status === "cached" ? new Set([p.key, p.legacyKey]) : new Set<string>();
  const rows: BuildRow[] = [];
  for (const record of records) {
    const time = await store.buildTime(record);
    const intact = (await store.check(record.key, false, [FORMAT_VERSION, LEGACY_FORMAT]))
      .state === "valid";
    const state = !intact ? "gone" : own.has(record.key) ? "this" : "cached";
    rows.push({
      key: record.key,
      builtAt: record.builtAt,
      ...(time ? { ranMs: time.ms, threads: time.threads } : {}),
      state,
      differences: own.has(record.key) ? [] : found.get(record.key) ?? [],
    });
  }
  return rows;
}

const STATES: Record<BuildRow["state"], string> = {
  this: "this entry",
  cached: "in the cache",
  gone: "not in the cache",
};

/** The text form: a line per build under a heading, as `show` prints its rows. */
export function renderBuilds(rows: readonly BuildRow[]): string[] {
  if (rows.length === 0) return ["  builds     none recorded"];
  const lines = [`  builds     ${rows.length} recorded, newest first`];
  for (const r of rows) {
    const when = r.builtAt.slice(0, 16).replace("T", " ");
    const ran = r.ranMs === undefined
      ? ""
      : `; ran ${formatDuration(r.ranMs)}${
        r.threads === undefined ? "" : ` on ${r.threads} thread${r.threads === 1 ? "" : "s"}`
      }`;
    const what = r.differences.length > 0 ? `; differs: ${r.differences.join("; ")}` : "";
    lines.push(`    ${when}  ${r.key.slice(0, 12)}  ${STATES[r.state]}${ran}${what}`);
  }
  return lines;
}
