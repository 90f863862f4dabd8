/** `verify` and `gc`: keep the store honest and small. */
import { join } from "node:path";
import { FORMAT_VERSION, LEGACY_FORMAT, type Store } from "./cache.ts";
import { exists, removeAll } from "./fs.ts";

/**
 * Rehash every entry; quarantine corrupt ones (`bad`); drop leftovers of interrupted runs
 * (`leftovers`: partly written entries in `.tmp/`, which no run ever reads, so they are no fault).
 * `legacy`: how many of the `ok` entries are of LEGACY_FORMAT.
 */
export async function verifyStore(
  store: Store,
  write: (line: string) => void,
): Promise<{ ok: number; legacy: number; bad: number; leftovers: number }> {
  let ok = 0;
  let legacy = 0;
  let bad = 0;
  let leftovers = 0;
  for (const key of await store.keys()) {
    // a format-1 entry is sound if its files are: a run adopts it, gc deletes it once adopted
    const state = await store.check(key, true, [FORMAT_VERSION, LEGACY_FORMAT]);
    if (state.state === "valid") {
      ok++;
      if (state.manifest.format === LEGACY_FORMAT) legacy++;
      continue;
    }
    bad++;
    const where = await store.quarantine(key);
    const reason = state.state === "corrupt" ? state.reason : "incomplete";
    write(`corrupt ${key.slice(0, 12)} (${reason}); moved to ${where}; it will be rebuilt`);
  }
  if (await exists(store.tmpDir)) {
    for await (const e of Deno.readDir(store.tmpDir)) {
      leftovers++;
      write(`incomplete ${e.name} (left by an interrupted run); removed`);
    }
    await store.cleanTmp();
  }
  return { ok, legacy, bad, leftovers };
}

/**
 * The files under folders about to be deleted, by inode: a file hard-linked from elsewhere (a
 * published file in out/, the report's copy of a figure in a kept entry) frees no space.
 */
class Footprint {
  #inodes = new Map<string, { size: number; links: number; seen: number }>();

  /** Record the files under `dir`; returns their apparent size. */
  async add(dir: string): Promise<number> {
    let total = 0;
    for await (const e of Deno.readDir(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory) {
        total += await this.add(p);
        continue;
      }
      const st = await Deno.lstat(p);
      total += st.size;
      const id = `${st.dev}:${st.ino ?? p}`;
      const known = this.#inodes.get(id) ?? { size: st.size, links: st.nlink ?? 1, seen: 0 };
      known.seen++;
      this.#inodes.set(id, known);
    }
    return total;
  }

  /** Bytes deleting every recorded folder frees (files whose every link was recorded). */
  get freed(): number {
    let total = 0;
    for (const f of this.#inodes.values()) if (f.seen >= f.links) total += f.size;
    return total;
  }
}

/**
 * Entries no reachable key names, and the scratch folders (checkpoints of interrupted or failed
 * attempts) of keys not in `reachableWork` (by default the same keys), each with its size; deleted (with quarantined entries) when `yes`.
 * `freed` is what deleting them all frees: files also linked from elsewhere are not counted;
 * `listed` is the sum of the sizes listed.
 */
export async function collectGarbage(
  store: Store,
  reachable: Set<string>,
  yes: boolean,
  write: (line: string) => void,
  reachableWork: Set<string> = reachable,
): Promise<{ entries: number; work: number; freed: number; listed: number }> {
  const footprint = new Footprint();
  let entries = 0;
  let listed = 0;
  for (const key of await store.keys()) {
    if (reachable.has(key)) continue;
    const size = await footprint.add(store.entryDir(key));
    listed += size;
    entries++;
    const what = await Deno.readTextFile(join(store.entryDir(key), "manifest.json"))
      .then((t) => JSON.parse(t)).then((m) =>
        `${m.material?.id ?? "?"}${m.format === LEGACY_FORMAT ? ` (format ${LEGACY_FORMAT})` : ""}`
      ).catch(() => "?");
    write(`${yes ? "deleted" : "unreachable"} ${key.slice(0, 12)} ${what} (${size} bytes)`);
    if (yes) await store.remove(key);
  }
  let work = 0;
  // a reachable key's folder is kept: the next run of that stage resumes from its checkpoint
  for (const key of await store.workKeys()) {
    if (reachableWork.has(key)) continue;
    const size = await footprint.add(store.workDir(key));
    listed += size;
    work++;
    write(`${yes ? "deleted" : "unreachable"} work/${key.slice(0, 12)} (${size} bytes)`);
    if (yes) await removeAll(store.workDir(key));
  }
  const corrupt = join(store.cacheDir, ".corrupt");
  if (await exists(corrupt)) {
    await footprint.add(corrupt);
    write(`${yes ? "deleted" : "quarantined"} ${corrupt}`);
    if (yes) await removeAll(corrupt);
  }
  return { entries, work, freed: footprint.freed, listed };
}
