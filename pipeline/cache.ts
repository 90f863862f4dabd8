/**
 * The content-addressed store under `out/cache/`: one directory per cache key, holding the stage's
 * files and a manifest with every file's SHA-256 and size. Entries are built in `.tmp/` and renamed
 * into place only when complete, so a crash never leaves an entry that a later run trusts.
 */
import { dirname, join } from "node:path";
import type { CodeFingerprint } from "./code_hash.ts";
import { exists, listFiles, removeAll, writeFileAtomic } from "./fs.ts";
import { type Json, sha256File } from "./hash.ts";

/**
 * Bumped when the entry layout or the key material changes; it enters every key. Format 2 keys
 * with normalised code hashes (code_hash.ts); format 1 hashed every file's bytes.
 */
export const FORMAT_VERSION = 2;

/**
 * The format whose entries a plan adopts (`Store.adopt`): the entry layout is the same, and a
 * format-1 entry whose key the current code and inputs give (every file byte for byte the same)
 * is what a format-2 build would make.
 */
export const LEGACY_FORMAT = 1;

/**
 * Builds of one stage id the index keeps, so that a rerun is explained against the closest one
 * (a variant built last must not make the preset's rerun look like a param change).
 */
const INDEX_DEPTH = 8;

/** Everything a cache key is computed from. */
export interface KeyMaterial {
  format: number;
  id: string;
  params: Json;
  code: CodeFingerprint;
  /** Input name to the cache key of the stage that provides it. */
  inputs: Record<string, string>;
}

/** One output file as recorded in an entry's manifest. */
export interface FileRecord {
  path: string;
  sha256: string;
  size: number;
  mtimeMs: number;
}

/** `out/cache/<key>/manifest.json`. */
export interface EntryManifest {
  format: number;
  key: string;
  material: KeyMaterial;
  files: FileRecord[];
  startedAt: string;
  endedAt: string;
  tools: Record<string, string>;
  /** Threads the stage computed with (results can depend on them); absent in older entries. */
  threads?: number;
  /** The build went on from an interrupted attempt's checkpoints, so its times cover only part. */
  resumed?: boolean;
}

/** What `check` found for a key. */
export type EntryState =
  | { state: "valid"; manifest: EntryManifest }
  | { state: "missing" }
  | { state: "corrupt"; reason: string };

/** An entry built for a stage id, kept to explain why a stage reruns. */
export interface IndexRecord {
  key: string;
  material: KeyMaterial;
  builtAt: string;
  /** How long the build ran (ms) and with how many threads; absent in older records. */
  ms?: number;
  threads?: number;
  /** Went on from an earlier attempt's checkpoints: `ms` is absent, as it would cover only part. */
  resumed?: boolean;
}

/** The folders in `dir` named by a cache key, sorted; none if `dir` does not exist. */
async function keyDirs(dir: string): Promise<string[]> {
  const keys: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory && /^[0-9a-f]{64}$/.test(e.name)) keys.push(e.name);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return keys.sort();
}

/** A cache store rooted at an `out/` directory. */
export class Store {
  readonly out: string;
  readonly cacheDir: string;
  readonly tmpDir: string;

  constructor(out: string) {
    this.out = out;
    this.cacheDir = join(out, "cache");
    this.tmpDir = join(this.cacheDir, ".tmp");
  }

  entryDir(key: string): string {
    return join(this.cacheDir, key);
  }

  /** Where a stage's output files live inside an entry. */
  filesDir(key: string): string {
    return join(this.cacheDir, key, "files");
  }

  /** Scratch space that survives interrupted attempts of one key (checkpoints). */
  workDir(key: string): string {
    return join(this.out, "work", key);
  }

  /**
   * Check an entry. The quick check compares size and modification time and rehashes a file only
   * when they differ; `full` rehashes every file. `formats`: the formats an entry may have.
   */
  async check(key: string, full = false, formats = [FORMAT_VERSION]): Promise<EntryState> {
    const dir = this.entryDir(key);
    let manifest: EntryManifest;
    try {
      manifest = JSON.parse(await Deno.readTextFile(join(dir, "manifest.json")));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        return (await exists(dir))
          ? { state: "corrupt", reason: "manifest.json is missing" }
          : { state: "missing" };
      }
      return { state: "corrupt", reason: `manifest.json is unreadable (${(e as Error).message})` };
    }
    if (!formats.includes(manifest.format) || manifest.key !== key) {
      return { state: "corrupt", reason: "manifest.json belongs to another key or format" };
    }
    const listed = new Set(manifest.files.map((f) => f.path));
    let present: string[] = [];
    try {
      present = await listFiles(join(dir, "files"));
    } catch (e) {
      // no files/ at all is reported below, file by file; anything else (a symlink, a socket) is
      // something no stage wrote
      if (!(e instanceof Deno.errors.NotFound)) {
        return { state: "corrupt", reason: (e as Error).message };
      }
    }
    for (const path of present) {
      if (!listed.has(path)) {
        return { state: "corrupt", reason: `"${path}" is not in the manifest` };
      }
    }
    for (const f of manifest.files) {
      const path = join(dir, "files", f.path);
      let info: Deno.FileInfo;
      try {
        info = await Deno.stat(path);
      } catch {
        return { state: "corrupt", reason: `"${f.path}" is missing` };
      }
      if (info.size !== f.size) {
        return {
          state: "corrupt",
          reason: `"${f.path}" has ${info.size} bytes, expected ${f.size}`,
        };
      }
      if (full || info.mtime?.getTime() !== f.mtimeMs) {
        const actual = await sha256File(path);
        if (actual !== f.sha256) {
          return {
            state: "corrupt",
            reason: `"${f.path}" has SHA-256 ${actual.slice(0, 12)}…, expected ${
              f.sha256.slice(0, 12)
            }…`,
          };
        }
      }
    }
    return { state: "valid", manifest };
  }

  /** A fresh temporary entry; the stage writes into its `files/`. */
  async begin(key: string): Promise<string> {
    const tmp = join(this.tmpDir, `${key}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}`);
    await Deno.mkdir(join(tmp, "files"), { recursive: true });
    return tmp;
  }

  /**
   * Hash a finished temporary entry, write its manifest, rename it into place and record the
   * build in the stage's index, with `ms`, how long it ran by a monotonic clock (else by `info`'s
   * start and end).
   */
  async commit(
    tmp: string,
    info: Omit<EntryManifest, "files" | "format" | "key"> & { key: string },
    ms = Date.parse(info.endedAt) - Date.parse(info.startedAt),
  ): Promise<EntryManifest> {
    const files: FileRecord[] = [];
    for (const path of await listFiles(join(tmp, "files"))) {
      const full = join(tmp, "files", path);
      await Deno.chmod(full, 0o444);
      const st = await Deno.stat(full);
      files.push({
        path,
        sha256: await sha256File(full),
        size: st.size,
        mtimeMs: st.mtime?.getTime() ?? 0,
      });
    }
    const manifest: EntryManifest = { format: FORMAT_VERSION, ...info, files };
    await this.#install(tmp, manifest);
    await this.writeIndex(info.material.id, {
      key: info.key,
      material: info.material,
      builtAt: info.endedAt,
      ...(info.resumed ? { resumed: true } : { ms }),
      ...(info.threads !== undefined ? { threads: info.threads } : {}),
    });
    return manifest;
  }

  /**
   * Make the valid entry `from` (of LEGACY_FORMAT) also the entry of `key`, built from `material`:
   * its files hard-linked (copied where links fail) into a new entry with a manifest of this
   * format, renamed into place, and the build recorded in the index with the old build's times.
   * The old entry stays (older engines use it) until `gc` deletes it as unreachable.
   */
  async adopt(from: string, key: string, material: KeyMaterial): Promise<EntryManifest> {
    const old = JSON.parse(
      await Deno.readTextFile(join(this.entryDir(from), "manifest.json")),
    ) as EntryManifest;
    const tmp = await this.begin(key);
    const files: FileRecord[] = [];
    for (const f of old.files) {
      const src = join(this.filesDir(from), f.path);
      const dest = join(tmp, "files", f.path);
      await Deno.mkdir(dirname(dest), { recursive: true });
      try {
        await Deno.link(src, dest);
      } catch {
        await Deno.copyFile(src, dest);
        await Deno.chmod(dest, 0o444);
      }
      const st = await Deno.stat(dest);
      files.push({ ...f, mtimeMs: st.mtime?.getTime() ?? 0 });
    }
    const { format: _, key: _key, material: _material, files: _files, ...info } = old;
    const manifest: EntryManifest = { format: FORMAT_VERSION, key, material, ...info, files };
    await this.#install(tmp, manifest);
    // the old build's record keeps its time by the monotonic clock; else the manifest's times
    const prior = (await this.readIndex(material.id)).find((r) => r.key === from);
    const ms = Date.parse(old.endedAt) - Date.parse(old.startedAt);
    // the format-1 record goes: the adopted one stands for that build
    await this.writeIndex(
      material.id,
      prior ? { ...prior, key, material } : {
        key,
        material,
        builtAt: old.endedAt,
        ...(old.resumed ? { resumed: true } : Number.isFinite(ms) ? { ms } : {}),
        ...(old.threads !== undefined ? { threads: old.threads } : {}),
      },
      [from],
    );
    return manifest;
  }

  /** Write a finished temporary entry's manifest and rename the entry into place (its key's). */
  async #install(tmp: string, manifest: EntryManifest): Promise<void> {
    await Deno.writeTextFile(join(tmp, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    const dest = this.entryDir(manifest.key);
    if (await exists(dest)) await this.#discard(dest);
    await Deno.rename(tmp, dest);
  }

  /** Move a bad entry aside so that it is never reused; it is deleted by `gc`. */
  async quarantine(key: string): Promise<string> {
    const dest = join(this.cacheDir, ".corrupt", `${key}.${Date.now()}`);
    await Deno.mkdir(join(this.cacheDir, ".corrupt"), { recursive: true });
    await Deno.rename(this.entryDir(key), dest);
    return dest;
  }

  async #discard(dir: string): Promise<void> {
    const trash = join(this.tmpDir, `trash.${crypto.randomUUID().slice(0, 8)}`);
    await Deno.mkdir(this.tmpDir, { recursive: true });
    await Deno.rename(dir, trash);
    await removeAll(trash);
  }

  /** Keys of all entries in the store. */
  keys(): Promise<string[]> {
    return keyDirs(this.cacheDir);
  }

  /** Keys that have a scratch folder (`workDir`), whether or not they have an entry. */
  workKeys(): Promise<string[]> {
    return keyDirs(join(this.out, "work"));
  }

  /** Remove an entry for good. */
  async remove(key: string): Promise<void> {
    await this.#discard(this.entryDir(key));
  }

  /** Delete leftovers of interrupted runs. Only call while holding the lock. */
  async cleanTmp(): Promise<void> {
    await removeAll(this.tmpDir);
  }

  /** The latest builds of stage `id`, newest first (none if it was never built). */
  async readIndex(id: string): Promise<IndexRecord[]> {
    try {
      const read = JSON.parse(await Deno.readTextFile(join(this.cacheDir, ".index", `${id}.json`)));
      return Array.isArray(read) ? read : [read]; // a single record before the history was kept
    } catch {
      return [];
    }
  }

  /**
   * How long an earlier build ran and with how many threads: from its index record, or for older
   * records from its entry's manifest while the entry is kept; null when neither says, when the
   * build went on from checkpoints (its time covers only part) or when the time is not a duration
   * (a clock stepped back).
   */
  async buildTime(record: IndexRecord): Promise<{ ms: number; threads: number } | null> {
    const usable = (ms: number | undefined, threads: number | undefined, resumed?: boolean) =>
      !resumed && ms !== undefined && ms >= 0 && Number.isFinite(ms) && threads !== undefined
        ? { ms, threads }
        : null;
    if (record.resumed || (record.ms !== undefined && record.threads !== undefined)) {
      return usable(record.ms, record.threads, record.resumed);
    }
    try {
      const path = join(this.entryDir(record.key), "manifest.json");
      const m = JSON.parse(await Deno.readTextFile(path)) as Partial<EntryManifest>;
      const ms = Date.parse(m.endedAt ?? "") - Date.parse(m.startedAt ?? "");
      return usable(ms, m.threads, m.resumed);
    } catch {
      return null;
    }
  }

  /**
   * Record a build of stage `id` before the others (each key once, the latest INDEX_DEPTH),
   * dropping the records of the keys in `drop`.
   */
  async writeIndex(id: string, record: IndexRecord, drop: string[] = []): Promise<void> {
    const kept = (await this.readIndex(id)).filter((r) =>
      r.key !== record.key && !drop.includes(r.key)
    );
    await writeFileAtomic(
      join(this.cacheDir, ".index", `${id}.json`),
      JSON.stringify([record, ...kept].slice(0, INDEX_DEPTH)),
    );
  }

  /** When `verify` last moved an entry of `key` aside as corrupt (ms since 1970), if it did. */
  async quarantinedAt(key: string): Promise<number | null> {
    let last: number | null = null;
    try {
      for await (const e of Deno.readDir(join(this.cacheDir, ".corrupt"))) {
        const at = e.name.startsWith(`${key}.`) ? Number(e.name.slice(key.length + 1)) : NaN;
        if (Number.isFinite(at) && (last === null || at > last)) last = at;
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return last;
  }
}
