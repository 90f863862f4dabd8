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
   * this: the plan's own key (its entry, or the format-1 key it adopts), intact; cached: another
   * entry still intact in the cache; gone: deleted (`gc`), quarantined by `verify` or no longer
   * intact (`own` says whether it is the plan's key).
   */
  state: "this" | "cached" | "gone";
  own: boolean;
  /**
   * The key of a newer row that records the same build (the same end time, and the same duration
   * where both are known): an entry
   * adopted under another key, as when cache format 2 took over format-1 entries.
   */
  sameBuildAs?: string;
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
  // the plan's key, or the format-1 key it adopts (whether or not the plan reruns it, as --force)
  const own = new Set([p.key, p.legacyKey]);
  const rows: BuildRow[] = [];
  for (const record of records) {
    const time = await store.buildTime(record);
    const intact = (await store.check(record.key, false, [FORMAT_VERSION, LEGACY_FORMAT]))
      .state === "valid";
    const mine = own.has(record.key);
    // the same end, and the same duration where both are known
    const same = rows.find((r) =>
      r.builtAt === record.builtAt &&
      (r.ranMs === undefined || time === null || r.ranMs === time.ms)
    );
    rows.push({
      key: record.key,
      builtAt: record.builtAt,
      ...(time ? { ranMs: time.ms, threads: time.threads } : {}),
      state: !intact ? "gone" : mine ? "this" : "cached",
      own: mine,
      ...(same ? { sameBuildAs: same.sameBuildAs ?? same.key } : {}),
      differences: mine ? [] : found.get(record.key) ?? [],
    });
  }
  return rows;
}

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
    const state = r.state === "this"
      ? "this entry"
      : r.state === "cached"
      ? "in the cache"
      : `${r.own ? "this key, " : ""}not in the cache`;
    const same = r.sameBuildAs === undefined
      ? ""
      : ` (the same build as ${r.sameBuildAs.slice(0, 12)}, under another key)`;
    lines.push(`    ${when}  ${r.key.slice(0, 12)}  ${state}${same}${ran}${what}`);
  }
  return lines;
}
