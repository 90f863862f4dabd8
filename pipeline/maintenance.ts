/** `verify` and `gc`: keep the store honest and small. */
import { join } from "node:path";
import type { Store } from "./cache.ts";
import { exists, removeAll } from "./fs.ts";

/**
 * Rehash every entry; quarantine corrupt ones (`bad`); drop leftovers of interrupted runs
 * (`leftovers`: partly written entries in `.tmp/`, which no run ever reads, so they are no fault).
 */
export async function verifyStore(
  store: Store,
  write: (line: string) => void,
): Promise<{ ok: number; bad: number; leftovers: number }> {
  let ok = 0;
  let bad = 0;
  let leftovers = 0;
  for (const key of await store.keys()) {
    const state = await store.check(key, true);
    if (state.state === "valid") {
      ok++;
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
  return { ok, bad, leftovers };
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    total += e.isDirectory ? await sizeOf(p) : (await Deno.lstat(p)).size;
  }
  return total;
}

/**
 * Entries no reachable key names, and the scratch folders (checkpoints of interrupted or failed
 * attempts) of such keys, with their sizes; deleted (with quarantined entries) when `yes`.
 */
export async function collectGarbage(
  store: Store,
  reachable: Set<string>,
  yes: boolean,
  write: (line: string) => void,
): Promise<{ entries: number; bytes: number; work: number; workBytes: number }> {
  let entries = 0;
  let bytes = 0;
  for (const key of await store.keys()) {
    if (reachable.has(key)) continue;
    const size = await sizeOf(store.entryDir(key));
    entries++;
    bytes += size;
    const manifest = await Deno.readTextFile(join(store.entryDir(key), "manifest.json"))
      .then((t) => JSON.parse(t).material?.id as string).catch(() => "?");
    write(`${yes ? "deleted" : "unreachable"} ${key.slice(0, 12)} ${manifest} (${size} bytes)`);
    if (yes) await store.remove(key);
  }
  let work = 0;
  let workBytes = 0;
  // a reachable key's folder is kept: the next run of that stage resumes from its checkpoint
  for (const key of await store.workKeys()) {
    if (reachable.has(key)) continue;
    const size = await sizeOf(store.workDir(key));
    work++;
    workBytes += size;
    write(`${yes ? "deleted" : "unreachable"} work/${key.slice(0, 12)} (${size} bytes)`);
    if (yes) await removeAll(store.workDir(key));
  }
  const corrupt = join(store.cacheDir, ".corrupt");
  if (await exists(corrupt)) {
    write(`${yes ? "deleted" : "quarantined"} ${corrupt}`);
    if (yes) await removeAll(corrupt);
  }
  return { entries, bytes, work, workBytes };
}
