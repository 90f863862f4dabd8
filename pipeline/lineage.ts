/**
 * The lineage of results: every stage a result was built from, read back from the entry manifests
 * of the store, so that a report can say which settings actually ran (a `--set` override, say)
 * instead of repeating what the preset would have run.
 *
 * @example
 * ```ts
 * import { lineage } from "./lineage.ts";
 * // inside a stage's run(ctx): every stage behind its inputs, with the params each ran with
 * // const { entries, unreadable } = await lineage(Object.values(ctx.inputs));
 * const { entries } = await lineage([]);
 * console.log(entries.length); // 0
 * ```
 */
import { basename, dirname } from "node:path";
import { Store } from "./cache.ts";
import type { Params } from "./stage.ts";

/** One stage of a lineage as its cache entry records it. */
export interface LineageEntry {
  id: string;
  key: string;
  params: Params;
}

/** The stages behind some results, and the keys whose manifests could not be read. */
export interface Lineage {
  /** The given entries and all their ancestors, each once, ordered by id. */
  entries: LineageEntry[];
  /** Keys (given or ancestors) whose entry is missing or fails `Store.check` (corrupt). */
  unreadable: string[];
}

/**
 * The store and key of an input directory as a stage receives it (`<out>/cache/<key>/files`).
 * Throws a RangeError naming the path for a directory outside a store.
 */
export function entryOf(filesDir: string): { store: Store; key: string } {
  const entry = dirname(filesDir);
  if (basename(filesDir) !== "files" || basename(dirname(entry)) !== "cache") {
    throw new RangeError(
      `Expected a stage input directory "<out>/cache/<key>/files" but found "${filesDir}"`,
    );
  }
  return { store: new Store(dirname(dirname(entry))), key: basename(entry) };
}

/** Every stage behind the given input directories, following each entry's recorded input keys. */
export async function lineage(filesDirs: string[]): Promise<Lineage> {
  const seen = new Set<string>();
  const entries: LineageEntry[] = [];
  const unreadable: string[] = [];
  const queue = filesDirs.map(entryOf);
  while (queue.length > 0) {
    const { store, key } = queue.shift()!;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = await store.check(key);
    if (entry.state !== "valid") {
      unreadable.push(key);
      continue;
    }
    const m = entry.manifest;
    // An entry's params are the stage's params, a JSON object (Params) by construction.
    entries.push({ id: m.material.id, key, params: m.material.params as Params });
    for (const k of Object.values(m.material.inputs ?? {})) queue.push({ store, key: k });
  }
  entries.sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { entries, unreadable: unreadable.sort() };
}
