/**
 * `pipeline diff`: each selected stage's cached output files against those of its closest earlier
 * build still in the cache, by SHA-256, as `dvc diff` compares outputs between two commits. After
 * a change that gave stages new keys it says which results the change altered: a code clean-up
 * that reran every run should leave every file the same.
 */
import { join } from "node:path";
import {
  type FileRecord,
  FORMAT_VERSION,
  type IndexRecord,
  LEGACY_FORMAT,
  type Store,
} from "./cache.ts";
import { sameBuild } from "./builds.ts";
import { UsageError } from "./errors.ts";
import { list, rankBuilds } from "./explain.ts";
import type { PlannedStage } from "./plan.ts";
import { compareFile, type FileValues, renderFileValues } from "./value_diff.ts";

/** How one stage's outputs compare with its closest earlier build's. */
export interface StageDiff {
  id: string;
  key: string;
  /**
   * same: every output file is equal; differs: `files` lists those that are not; none: there is
   * nothing to compare (`why`).
   */
  status: "same" | "differs" | "none";
  /**
   * The build compared with: its key, when it was built, how its key material differs, and a note
   * where it did not read the build `--against` led its inputs to.
   */
  against?: { key: string; builtAt: string; change: string; note?: string };
  /** The paths that differ: changed ones as they are, `+path` only now, `-path` only before. */
  files: string[];
  /** With none: why there is nothing to compare. */
  why?: string;
  /** With `--values`: how each file in `files` that both builds have changed. */
  values?: FileValues[];
}

/** The paths of `now` that differ from `before` (see StageDiff.files), sorted. */
export function changedFiles(before: readonly FileRecord[], now: readonly FileRecord[]): string[] {
  const old = new Map(before.map((f) => [f.path, f.sha256]));
  const cur = new Map(now.map((f) => [f.path, f.sha256]));
  return [...new Set([...old.keys(), ...cur.keys()])].sort().flatMap((path) =>
    !old.has(path) ? [`+${path}`] : !cur.has(path) ? [`-${path}`] : (
      old.get(path) === cur.get(path) ? [] : [path]
    )
  );
}

/**
 * Compares each selected cached stage with an earlier build whose entry is still intact (a quick
 * check: size and time, a rehash where they changed). Builds are taken in the order of
 * `preferReaders`: those that read the builds its inputs were compared with first (so that after
 * a code edit a plot is compared with the plot of the runs its runs were compared with, not with
 * a newer variant's; with `against`, those that read the builds it led to before all), then
 * by how few ways their key material differs (params, code, packages, inputs: the build `explain`
 * would name), the newest among equals. Builds of cache format 1 compare with the stage's
 * format-1 material, as in `explain`. A stage that would run is not compared. `stages` in plan
 * order, inputs first. With `values`, each changed file that both builds have is compared value by
 * value (value_diff.ts); with `against` (a key or its prefix), the stage that recorded that build
 * is compared with it.
 */
export async function diffStages(
  stages: readonly PlannedStage[],
  store: Store,
  opts: { values?: boolean; against?: string } = {},
): Promise<StageDiff[]> {
  const diffs: StageDiff[] = [];
  const byId = new Map(stages.map((p) => [p.stage.id, p]));
  const named = opts.against === undefined
    ? undefined
    : await namedBuild(stages, store, opts.against);
  // by stage: the build it was compared with (with the keys the same build is recorded under),
  // and whether --against led to it
  const againstOf = new Map<string, string[]>();
  const onPath = new Set<string>();
  for (const p of stages.filter((s) => s.selected)) {
    const base = { id: p.stage.id, key: p.key, files: [] as string[] };
    if (p.status !== "cached" || p.manifest === null) {
      diffs.push({ ...base, status: "none", why: "not cached: run it first" });
      continue;
    }
    // the entry itself, under its key or the format-1 key it was adopted from
    const own = new Set([p.key, p.legacyKey]);
    const builds = (await store.readIndex(p.stage.id)).filter((r) => !own.has(r.key));
    // an input's build: the one its stage was compared with, else its entry (either format's key)
    const compared = new Map(
      Object.entries(p.inputIds).map(([name, id]) => {
        const up = byId.get(id)!;
        const keys = againstOf.get(id) ?? [up.key, up.legacyKey];
        return [name, keys.filter((k) => k !== undefined)];
      }),
    );
    const path = new Map(
      Object.entries(p.inputIds)
        .filter(([, id]) => onPath.has(id))
        .map(([name, id]) => [name, againstOf.get(id)!]),
    );
    // with --against, the named build for its stage, whatever its rank
    const candidates = named?.id === p.stage.id
      ? builds.filter((r) => r.key === named.key)
      : builds;
    const ranked = rankBuilds(p.material, candidates, undefined, p.legacyMaterial);
    let chosen;
    for (const { record, found } of preferReaders(ranked, compared, path)) {
      const state = await store.check(record.key, false, [FORMAT_VERSION, LEGACY_FORMAT]);
      if (state.state === "valid") {
        chosen = { record, change: found[0] ?? "key changed", files: state.manifest.files };
        break;
      }
    }
    if (chosen === undefined) {
      const why = named?.id === p.stage.id
        ? `the build ${named.key.slice(0, 12)} (--against) is no longer intact in the cache`
        : builds.length === 0
        ? "no earlier build recorded"
        : `none of its ${builds.length} earlier builds is left intact in the cache`;
      diffs.push({ ...base, status: "none", why });
      continue;
    }
    // every key this build is recorded under (itself, and where an entry was adopted, others)
    const record = chosen.record;
    againstOf.set(p.stage.id, builds.filter((r) => sameBuild(r, record)).map((r) => r.key));
    const read = chosen.record.material.inputs;
    const readsPath = [...path].every(([name, keys]) => keys.includes(read[name]));
    if (named?.id === p.stage.id || (path.size > 0 && readsPath)) onPath.add(p.stage.id);
    const files = changedFiles(chosen.files, p.manifest.files);
    const diff: StageDiff = {
      ...base,
      status: files.length === 0 ? "same" : "differs",
      against: { key: chosen.record.key, builtAt: chosen.record.builtAt, change: chosen.change },
      files,
    };
    if (!readsPath) {
      diff.against!.note = "no build left in the cache read all the builds --against led to";
    }
    if (opts.values && files.length > 0) {
      const [before, after] = [store.filesDir(chosen.record.key), store.filesDir(p.key)];
      const earlier = new Map(chosen.files.map((f) => [f.path, f.sha256]));
      diff.values = [];
      for (const f of [...p.manifest.files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
        const sha = earlier.get(f.path);
        if (sha === undefined || sha === f.sha256) continue;
        diff.values.push(await compareFile(f.path, join(before, f.path), join(after, f.path)));
      }
    }
    diffs.push(diff);
  }
  return diffs;
}

/**
 * The recorded earlier build that `--against` names by its key or a prefix of it (as `show
 * --builds` prints it, either case), and its stage: exactly one among the selected stages' builds,
 * of a stage that is cached; else a UsageError.
 */
async function namedBuild(
  stages: readonly PlannedStage[],
  store: Store,
  given: string,
): Promise<{ id: string; key: string }> {
  const prefix = given.toLowerCase();
  if (!/^[0-9a-f]{6,64}$/.test(prefix)) {
    throw new UsageError(
      `Expected --against to be a build's key or its first 6 or more hex digits but found "${given}"`,
    );
  }
  const found: { p: PlannedStage; key: string }[] = [];
  // stages whose own key (their entry, or the build the plan would make) it starts
  const owners: string[] = [];
  for (const p of stages.filter((s) => s.selected)) {
    const own = new Set([p.key, p.legacyKey]);
    if ([...own].some((k) => k?.startsWith(prefix))) owners.push(p.stage.id);
    for (const r of await store.readIndex(p.stage.id)) {
      if (r.key.startsWith(prefix) && !own.has(r.key)) found.push({ p, key: r.key });
    }
  }
  if (found.length === 0 && owners.length > 0) {
    throw new UsageError(
      `Expected --against to name an earlier build but "${given}" is the key of ${owners[0]}'s ` +
        "own entry (the one compared, or the one its plan would build)",
    );
  }
  if (found.length === 0) {
    throw new UsageError(
      `Expected --against to name an earlier build of a selected stage (show --builds lists ` +
        `them) but none recorded has a key starting "${given}"`,
    );
  }
  if (found.length > 1) {
    throw new UsageError(
      `Expected --against to name one build but "${given}" starts the keys of ${found.length}: ` +
        list(found.map((f) => `${f.p.stage.id} ${f.key.slice(0, 12)}`)),
    );
  }
  const [{ p, key }] = found;
  if (p.status !== "cached") {
    throw new UsageError(
      `Expected --against to name a build of a cached stage but ${p.stage.id} would run ` +
        `(${p.reason}): run it first`,
    );
  }
  return { id: p.stage.id, key };
}

/**
 * `ranked` (builds, closest first) in the order a stage whose inputs were compared takes them:
 * first those that read every build of `path` (input name → the keys of the build `--against`
 * led that input to), then those that read, for every input, a build `compared` names for it
 * (input name → keys), then the rest, the ranking kept within each group. A build that read only
 * some compared builds is ranked like one that read none: it would not isolate the change either,
 * and a closer one by params and code is the better comparison.
 */
export function preferReaders<T extends { record: IndexRecord }>(
  ranked: readonly T[],
  compared: ReadonlyMap<string, readonly string[]>,
  path: ReadonlyMap<string, readonly string[]>,
): T[] {
  const reads = (b: T, want: ReadonlyMap<string, readonly string[]>) =>
    [...want].every(([name, keys]) => keys.includes(b.record.material.inputs[name]));
  const group = (b: T) => (path.size > 0 && reads(b, path) ? 0 : reads(b, compared) ? 1 : 2);
  const scored = ranked.map((b, i) => ({ b, i, group: group(b) }));
  scored.sort((x, y) => x.group - y.group || x.i - y.i);
  return scored.map((s) => s.b);
}

/** The text form: a header with the counts, then a line per stage (and its values' lines). */
export function renderDiff(diffs: readonly StageDiff[], header: string): string {
  const n = (s: StageDiff["status"]) => diffs.filter((d) => d.status === s).length;
  const width = Math.max(...diffs.map((d) => d.id.length), 2);
  const lines = diffs.map((d) => {
    let what: string;
    if (d.against === undefined) what = d.why ?? "";
    else {
      const when = d.against.builtAt.slice(0, 16).replace("T", " ");
      const note = d.against.note === undefined ? "" : `; ${d.against.note}`;
      what = `${d.status === "differs" ? `${list(d.files)}; ` : ""}vs the build of ${when} UTC ` +
        `(${d.against.change}${note})`;
    }
    const line = `  ${d.status.padEnd(8)} ${d.id.padEnd(width)}  ${what}`.trimEnd();
    const values = (d.values ?? []).flatMap((v) => renderFileValues(v)).map((l) => `      ${l}`);
    return [line, ...values].join("\n");
  });
  const counts = `${n("same")} same, ${n("differs")} differ, ${n("none")} not compared`;
  return [
    `${header}: ${diffs.length} ${diffs.length === 1 ? "stage" : "stages"}, ${counts}`,
    ...lines,
  ]
    .join("\n");
}
