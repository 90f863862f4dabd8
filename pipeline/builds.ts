/**
 * `show --builds`: the builds of a stage that the cache index records (the latest eight), newest
 * first, each with whether its entry is still in the cache and how the planned stage differs from
 * it, as `dvc exp show` lists experiments: after a few `--set` variants, which of them are built
 * and what each changed. `pipeline diff` compares the files of the closest one.
 */
import { FORMAT_VERSION, type IndexRecord, LEGACY_FORMAT, type Store } from "./cache.ts";
import { rankBuilds } from "./explain.ts";
import type { PlannedStage } from "./plan.ts";

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
   * The key of a newer row that records the same build (`sameBuild`): an entry adopted under
   * another key, as when cache format 2 took over format-1 entries.
   */
  sameBuildAs?: string;
  /**
   * How the planned stage differs from this build (params, code, packages, inputs; each as old ->
   * new, as a dry run explains a rerun), none for the plan's own entry.
   */
  differences: string[];
}

/**
 * Whether two index records are one build recorded under two keys (an entry adopted under
 * another): the same end, and the same duration where both record it.
 */
export function sameBuild(a: IndexRecord, b: IndexRecord): boolean {
  return a.builtAt === b.builtAt && (a.ms === undefined || b.ms === undefined || a.ms === b.ms);
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
  for (const [i, record] of records.entries()) {
    const time = await store.buildTime(record);
    const intact = (await store.check(record.key, false, [FORMAT_VERSION, LEGACY_FORMAT]))
      .state === "valid";
    const mine = own.has(record.key);
    // the first (newest) record of this build, when it is not this one
    const first = records.findIndex((r) => sameBuild(r, record));
    rows.push({
      key: record.key,
      builtAt: record.builtAt,
      ...(time ? { ranMs: time.ms, threads: time.threads } : {}),
      state: !intact ? "gone" : mine ? "this" : "cached",
      own: mine,
      ...(first < i ? { sameBuildAs: records[first].key } : {}),
      differences: mine ? [] : found.get(record.key) ?? [],
    });
  }
  return rows;
}
