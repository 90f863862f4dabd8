/**
 * `pipeline diff`: each selected stage's cached output files against those of its closest earlier
 * build still in the cache, by SHA-256, as `dvc diff` compares outputs between two commits. After
 * a change that gave stages new keys it says which results the change altered: a code clean-up
 * that reran every run should leave every file the same.
 */
import { type FileRecord, FORMAT_VERSION, LEGACY_FORMAT, type Store } from "./cache.ts";
import { rankBuilds } from "./explain.ts";
import type { PlannedStage } from "./plan.ts";

/** How one stage's outputs compare with its closest earlier build's. */
export interface StageDiff {
  id: string;
  key: string;
  /**
   * same: every output file is equal; differs: `files` lists those that are not; none: there is
   * nothing to compare (`why`).
   */
  status: "same" | "differs" | "none";
  /** The build compared with: its key, when it was built, and how its key material differs. */
  against?: { key: string; builtAt: string; change: string };
  /** The paths that differ: changed ones as they are, `+path` only now, `-path` only before. */
  files: string[];
  why?: string;
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
 * check: size and time, a rehash where they changed): first those that read the builds its
 * inputs were compared with (so that after a code edit a plot is compared with the plot of the
 * runs its runs were compared with, not with a newer variant's), then by how few ways their key
 * material differs (params, code, packages, inputs: the build `explain` would name), the newest
 * among equals. Entries of cache format 1 count as builds. A stage that would run is not compared.
 * `stages` in plan order, inputs first.
 */
export async function diffStages(
  stages: readonly PlannedStage[],
  store: Store,
): Promise<StageDiff[]> {
  const diffs: StageDiff[] = [];
  const keyOf = new Map(stages.map((p) => [p.stage.id, p.key]));
  // the build each stage was compared with
  const againstOf = new Map<string, string>();
  for (const p of stages.filter((s) => s.selected)) {
    const base = { id: p.stage.id, key: p.key, files: [] as string[] };
    if (p.status !== "cached" || p.manifest === null) {
      diffs.push({ ...base, status: "none", why: "not cached: run it first" });
      continue;
    }
    // the entry itself, under its key or the format-1 key it was adopted from
    const own = new Set([p.key, p.legacyKey]);
    const builds = (await store.readIndex(p.stage.id)).filter((r) => !own.has(r.key));
    const expected = Object.entries(p.inputIds).map(([name, id]) =>
      [name, againstOf.get(id) ?? keyOf.get(id)] as const
    );
    const reads = (inputs: Record<string, string>) => expected.every(([n, k]) => inputs[n] === k);
    const ranked = rankBuilds(p.material, builds, new Map());
    let found;
    for (
      const { record, found: change } of [
        ...ranked.filter((b) => reads(b.record.material.inputs)),
        ...ranked.filter((b) => !reads(b.record.material.inputs)),
      ]
    ) {
      const state = await store.check(record.key, false, [FORMAT_VERSION, LEGACY_FORMAT]);
      if (state.state === "valid") {
        found = { record, change: change[0] ?? "key changed", files: state.manifest.files };
        break;
      }
    }
    if (found === undefined) {
      const why = builds.length === 0
        ? "no earlier build recorded"
        : `none of its ${builds.length} earlier builds is left in the cache`;
      diffs.push({ ...base, status: "none", why });
      continue;
    }
    againstOf.set(p.stage.id, found.record.key);
    const files = changedFiles(found.files, p.manifest.files);
    diffs.push({
      ...base,
      status: files.length === 0 ? "same" : "differs",
      against: { key: found.record.key, builtAt: found.record.builtAt, change: found.change },
      files,
    });
  }
  return diffs;
}

const MAX_FILES = 3;

/** The text form: a header with the counts, then a line per stage. */
export function renderDiff(diffs: readonly StageDiff[], header: string): string {
  const n = (s: StageDiff["status"]) => diffs.filter((d) => d.status === s).length;
  const width = Math.max(...diffs.map((d) => d.id.length), 2);
  const lines = diffs.map((d) => {
    let what: string;
    if (d.against === undefined) what = d.why ?? "";
    else {
      const when = d.against.builtAt.slice(0, 16).replace("T", " ");
      const shown = d.files.slice(0, MAX_FILES).join(", ") +
        (d.files.length > MAX_FILES ? ` and ${d.files.length - MAX_FILES} more` : "");
      what = `${d.status === "differs" ? `${shown}; ` : ""}vs the build of ${when} UTC ` +
        `(${d.against.change})`;
    }
    return `  ${d.status.padEnd(8)} ${d.id.padEnd(width)}  ${what}`.trimEnd();
  });
  const counts = `${n("same")} same, ${n("differs")} differ, ${n("none")} not compared`;
  return [
    `${header}: ${diffs.length} ${diffs.length === 1 ? "stage" : "stages"}, ${counts}`,
    ...lines,
  ]
    .join("\n");
}
