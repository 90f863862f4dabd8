/**
 * Why a stage must run: the first difference between its key material and its closest build's.
 * The ranking of builds by closeness (rankBuilds) serves `pipeline diff` too.
 */
import type { IndexRecord, KeyMaterial } from "./cache.ts";
import { type CodeFingerprint, COMPILER_OPTIONS } from "./code_hash.ts";
import { canonicalJson, hashJson } from "./hash.ts";

/** The part of a planned stage that explaining a downstream stage needs. */
interface Upstream {
  stage: { id: string };
  key: string;
  /** The key cache format 1 gave it (see plan.ts). */
  legacyKey?: string;
  status: "cached" | "run";
  reason: string;
  /** The stage whose own change makes this one run (itself unless an input changed). */
  cause: { id: string; reason: string };
}

const MAX_ITEMS = 3;

/** "a, b, c and 2 more". */
export function list(items: string[]): string {
  const shown = items.slice(0, MAX_ITEMS).join(", ");
  return items.length > MAX_ITEMS ? `${shown} and ${items.length - MAX_ITEMS} more` : shown;
}

function show(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = canonicalJson(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function same(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonicalJson(a) === canonicalJson(b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * "path: old -> new" for each place where `a` and `b` differ: inside two objects, at the keys
 * that differ (so a preset of many stages names the stage and param that changed, not two cut
 * JSON texts that begin alike), elsewhere the whole value.
 */
function valueChanges(path: string, a: unknown, b: unknown): string[] {
  if (!isRecord(a) || !isRecord(b)) return [`${path}: ${show(a)} -> ${show(b)}`];
  return changedParams(a, b).flatMap((k) => valueChanges(`${path}.${k}`, a[k], b[k]));
}

/** Names of the params whose values differ between `a` and `b` (absent is a value), sorted. */
export function changedParams(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): string[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return names.filter((n) => !same(a[n], b[n]));
}

/**
 * How fingerprint `after` differs from `before`: "deno.json compilerOptions changed: ...", else
 * "code changed: <files>" (+added, -removed), else "packages changed: <specifiers>", else
 * undefined when they are the same.
 */
export function codeChange(before: CodeFingerprint, after: CodeFingerprint): string | undefined {
  // compilerOptions that change emitted code switch every file's hash to its bytes and back: the
  // options, not the files, changed
  const options = (fp: CodeFingerprint) =>
    fp.externals.find((e) => e.startsWith(COMPILER_OPTIONS))?.slice(COMPILER_OPTIONS.length + 1);
  if (options(before) !== options(after)) {
    return `deno.json compilerOptions changed: ${options(before) ?? "(none)"} -> ${
      options(after) ?? "(none)"
    }`;
  }
  const files = [...new Set([...Object.keys(before.files), ...Object.keys(after.files)])]
    .sort()
    .filter((f) => before.files[f] !== after.files[f])
    .map((f) =>
      before.files[f] === undefined ? `+${f}` : after.files[f] === undefined ? `-${f}` : f
    );
  if (files.length > 0) return `code changed: ${list(files)}`;
  if (canonicalJson(before.externals) !== canonicalJson(after.externals)) {
    const gone = before.externals.filter((e) => !after.externals.includes(e));
    const added = after.externals.filter((e) => !before.externals.includes(e));
    return `packages changed: ${list([...gone.map((e) => `-${e}`), ...added.map((e) => `+${e}`)])}`;
  }
  return undefined;
}

/**
 * Every way `material` differs from the build `old`, in the order a user should hear them (engine
 * format, params, code, external packages, inputs), and how many things differ (each param and
 * each changed input counts; removed inputs count once together).
 */
function differences(
  old: KeyMaterial,
  material: KeyMaterial,
  upstream: ReadonlyMap<string, Upstream>,
): { found: string[]; count: number } {
  if (old.format !== material.format) {
    const found = [`engine format version changed: ${old.format} -> ${material.format}`];
    return { found, count: Infinity };
  }
  const found: string[] = [];
  const oldParams = (old.params ?? {}) as Record<string, unknown>;
  const newParams = (material.params ?? {}) as Record<string, unknown>;
  const changed = changedParams(oldParams, newParams);
  if (changed.length > 0) {
    const what = changed.flatMap((n) => valueChanges(n, oldParams[n], newParams[n]));
    found.push(`${what.length === 1 ? "param" : "params"} ${list(what)}`);
  }
  const code = codeChange(old.code, material.code);
  if (code) found.push(code);
  // each changed input counts; the one named first is one whose upstream reruns, if any (the
  // cause), before one switched to another cached entry
  const inputs = Object.entries(material.inputs)
    .filter(([name, inputKey]) => old.inputs[name] !== inputKey)
    .map(([name, inputKey]) => {
      const up = [...upstream.values()].find((u) =>
        u.key === inputKey || (u.legacyKey !== undefined && u.legacyKey === inputKey)
      );
      if (!up) return { name, reruns: false, text: `input "${name}" changed` };
      const root = up.cause.id === up.stage.id
        ? up.cause.reason
        : `via "${up.cause.id}": ${up.cause.reason}`;
      const reruns = up.status === "run";
      const how = reruns ? `reruns (${root})` : "changed to a cached version";
      return { name, reruns, text: `input "${name}" changed: upstream "${up.stage.id}" ${how}` };
    })
    .sort((a, b) => Number(b.reruns) - Number(a.reruns));
  if (inputs.length > 0) {
    const others = inputs.slice(1).map((i) => `"${i.name}"`);
    const also = others.length === 0
      ? ""
      : `; also changed: ${others.length === 1 ? "input" : "inputs"} ${list(others)}`;
    found.push(inputs[0].text + also);
  }
  const gone = Object.keys(old.inputs).filter((n) => !(n in material.inputs));
  if (gone.length > 0) found.push(`inputs removed: ${list(gone)}`);
  const extra = Math.max(0, changed.length - 1) + Math.max(0, inputs.length - 1);
  return { found, count: found.length + extra };
}

/**
 * `previous` (builds of a stage, newest first) from the closest to `material` to the farthest:
 * by how many ways each differs (each param, code, packages, each input), the newest among
 * equals, each with those differences in the order a user should hear them. `legacy`: the stage's
 * material in cache format 1, against which builds of that format are compared.
 */
export function rankBuilds(
  material: KeyMaterial,
  previous: readonly IndexRecord[],
  upstream: ReadonlyMap<string, Upstream> = new Map(),
  legacy?: KeyMaterial,
): { record: IndexRecord; found: string[] }[] {
  const ranked = previous.map((record) => {
    const now = legacy !== undefined && record.material.format === legacy.format
      ? legacy
      : material;
    return { record, ...differences(record.material, now, upstream) };
  });
  // a stable sort keeps the newest first among equals (an Infinity count equals another)
  ranked.sort((a, b) => (a.count === b.count ? 0 : a.count < b.count ? -1 : 1));
  return ranked.map(({ record, found }) => ({ record, found }));
}

/**
 * Explain a stage whose key has no cache entry by the first difference from the closest of its
 * recent builds (`previous`, newest first; `rankBuilds`). So after a `--set` variant was built, a
 * code change is reported as such, not as the variant's param change. `quarantined`: verify
 * moved the entry of this very key aside as corrupt. `legacy`: the stage's material in cache
 * format 1, against which builds of that format are compared (so that a build from before the
 * format changed is explained by what changed since, not by the format).
 */
export function explain(
  material: KeyMaterial,
  key: string,
  previous: readonly IndexRecord[],
  upstream: Map<string, Upstream>,
  quarantined = false,
  legacy?: KeyMaterial,
): string {
  if (previous.length === 0) return "new stage (never built)";
  if (quarantined) return "cache entry quarantined as corrupt by verify (moved to cache/.corrupt/)";
  const legacyKey = legacy === undefined ? undefined : hashJson(legacy);
  if (previous.some((r) => r.key === key || r.key === legacyKey)) {
    return "cache entry missing (deleted or garbage-collected)";
  }
  return rankBuilds(material, previous, upstream, legacy)[0].found[0] ?? "key changed";
}
