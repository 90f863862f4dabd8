/**
 * Planning: validate the DAG, order it, compute every stage's cache key and decide, with a reason,
 * which stages run.
 *
 *   fetch ──► train(σ=1) ──┐
 *        └──► train(σ=2) ──┴──► figure ──► report
 *
 * key(stage) = SHA-256(canonical JSON {format, id, params, code fingerprint, input keys})
 *
 * A stage with no entry under its key but a valid one under its legacy key (cache format 1: the
 * same material with byte hashes of the code and legacy input keys) is cached: `adoptEntries`
 * makes that entry its own, so a new engine format costs no rerun.
 */
import {
  type EntryManifest,
  type EntryState,
  FORMAT_VERSION,
  type KeyMaterial,
  LEGACY_FORMAT,
  type Store,
} from "./cache.ts";
import type { CodeHasher } from "./code_hash.ts";
import { UnknownNameError, UsageError } from "./errors.ts";
import { hashJson } from "./hash.ts";
import { explain } from "./explain.ts";
import { exists } from "./fs.ts";
import { didYouMean } from "./suggest.ts";
import { globToRegExp } from "./overrides.ts";
import type { PipelineDef, Stage } from "./stage.ts";

/** A stage with its key and the decision taken for it. */
export interface PlannedStage {
  stage: Stage;
  key: string;
  material: KeyMaterial;
  /** The key cache format 1 gave the stage (byte hashes of the code, legacy input keys). */
  legacyKey: string;
  /** What `legacyKey` hashes (planRun sets it), against which builds of format 1 compare. */
  legacyMaterial?: KeyMaterial;
  /**
   * The format-1 entry under `legacyKey` that serves as this cached stage's entry until
   * `adoptEntries` makes it its own (read its files from there before).
   */
  adoptFrom?: string;
  /** Input name to the id of the stage providing it. */
  inputIds: Record<string, string>;
  selected: boolean;
  status: "cached" | "run";
  /** The manifest of the stage's cache entry when it is cached. */
  manifest: EntryManifest | null;
  reason: string;
  /** The stage whose own change makes this one run, and why: itself, or the root upstream. */
  cause: { id: string; reason: string };
  /**
   * For a selected stage that runs: how long its newest earlier build with these params ran (ms;
   * set by `addEstimates` for `run` and `--dry-run`).
   */
  estimateMs?: number;
}

export interface PlanOptions {
  only?: string[];
  force?: string[];
}

/** Check ids and inputs, then order stages so that every stage follows its inputs. */
export function orderStages(stages: Stage[]): Stage[] {
  const byId = new Map<string, Stage>();
  for (const s of stages) {
    if (byId.has(s.id)) throw new UsageError(`Stage id "${s.id}" is declared twice`);
    byId.set(s.id, s);
  }
  const deps = (s: Stage) =>
    Object.entries(s.inputs).map(([name, input]) => {
      const id = typeof input === "string" ? input : input.id;
      if (!byId.has(id)) {
        throw new UsageError(`Stage "${s.id}" has input "${name}" from unknown stage "${id}"`);
      }
      return id;
    });
  const state = new Map<string, "visiting" | "done">();
  const order: Stage[] = [];
  const visit = (s: Stage, path: string[]) => {
    if (state.get(s.id) === "done") return;
    if (state.get(s.id) === "visiting") {
      const cycle = [...path.slice(path.indexOf(s.id)), s.id].join(" -> ");
      throw new UsageError(`The DAG has a cycle: ${cycle}`);
    }
    state.set(s.id, "visiting");
    for (const d of deps(s)) visit(byId.get(d)!, [...path, s.id]);
    state.set(s.id, "done");
    order.push(s);
  };
  for (const s of stages) visit(s, []);
  return order;
}

/** The "did you mean" suffix for an unknown name: the stage ids and targets nearest it. */
function nearestName(def: PipelineDef, ids: readonly string[], name: string): string {
  return didYouMean(name, [...ids, ...Object.keys(def.targets)]);
}

/**
 * The stage ids `names` stand for, in the order given: a stage id stands for itself, then a
 * target for the stages it lists, then a name with `*` for the ids it matches (as in `--set`).
 */
export function resolveNames(def: PipelineDef, ids: readonly string[], names: string[]): string[] {
  const known = new Set(ids);
  const wanted: string[] = [];
  for (const name of names) {
    if (known.has(name)) wanted.push(name);
    else if (Object.hasOwn(def.targets, name)) wanted.push(...def.targets[name]);
    else {
      const re = name.includes("*") ? globToRegExp(name) : null;
      const hits = re ? ids.filter((id) => re.test(id)) : [];
      if (hits.length === 0) {
        const targets = [...Object.keys(def.targets)].sort().join(", ");
        const near = nearestName(def, ids, name);
        throw new UnknownNameError(
          `Expected a stage id, a pattern of stage ids with * or a target (${targets}) but ` +
            `found "${name}"${near}`,
          name,
          near !== "",
        );
      }
      wanted.push(...hits);
    }
  }
  return wanted;
}

/** The ids selected by `--only` names (see `resolveNames`) together with their ancestors. */
export function selectStages(def: PipelineDef, ordered: Stage[], only: string[]): Set<string> {
  const ids = ordered.map((s) => s.id);
  if (only.length === 0) return new Set(ids);
  const wanted = resolveNames(def, ids, only);
  const byId = new Map(ordered.map((s) => [s.id, s]));
  const selected = new Set<string>();
  const add = (id: string) => {
    const s = byId.get(id);
    if (!s) throw new UsageError(`Target lists unknown stage "${id}"`);
    if (selected.has(id)) return;
    selected.add(id);
    for (const input of Object.values(s.inputs)) add(typeof input === "string" ? input : input.id);
  };
  wanted.forEach(add);
  return selected;
}

/**
 * Everything about a plan that can be wrong without reading code or the cache: the DAG's shape,
 * the `--only` names, the `--force` ids and the published paths. It throws a `UsageError`, so a
 * run can check its arguments before it waits for another run's lock.
 */
export function checkPlan(
  def: PipelineDef,
  options: PlanOptions = {},
): { ordered: Stage[]; selected: Set<string>; force: Set<string> } {
  const ordered = orderStages(def.stages);
  const selected = selectStages(def, ordered, options.only ?? []);
  // --force takes what --only takes (ids, patterns with *, targets), without ancestors; a
  // pattern forces the selected stages it matches
  const ids = ordered.map((s) => s.id);
  const force = new Set<string>();
  const only = (options.only ?? []).join(", ");
  for (const name of options.force ?? []) {
    let named: string[];
    try {
      named = resolveNames(def, ids, [name]);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      throw new UsageError(
        `Expected --force to name a stage, a pattern of stage ids with * or a target but found ` +
          `"${name}"${nearestName(def, ids, name)}`,
      );
    }
    const pattern = name.includes("*") && !ids.includes(name);
    const picked = pattern ? named.filter((id) => selected.has(id)) : named;
    const outside = pattern
      ? (picked.length === 0 ? name : undefined)
      : named.find((id) => !selected.has(id));
    if (outside !== undefined) {
      throw new UsageError(
        `Expected --force to name a selected stage but "${outside}" is not among the stages ` +
          `--only and the targets select (${only})`,
      );
    }
    for (const id of picked) force.add(id);
  }
  checkPublish(ordered);
  return { ordered, selected, force };
}

/** Compute keys and statuses for the whole DAG, in dependency order. */
export async function planRun(
  def: PipelineDef,
  store: Store,
  hasher: CodeHasher,
  options: PlanOptions = {},
): Promise<PlannedStage[]> {
  const { ordered, selected, force } = checkPlan(def, options);
  const planned = new Map<string, PlannedStage>();
  // the entries there are, read once: most stages that miss have no format-1 entry either
  const present = new Set(await store.keys());
  for (const stage of ordered) {
    const inputIds: Record<string, string> = {};
    const inputKeys: Record<string, string> = {};
    const legacyInputKeys: Record<string, string> = {};
    for (const [name, input] of Object.entries(stage.inputs)) {
      inputIds[name] = typeof input === "string" ? input : input.id;
      inputKeys[name] = planned.get(inputIds[name])!.key;
      legacyInputKeys[name] = planned.get(inputIds[name])!.legacyKey;
    }
    const material: KeyMaterial = {
      format: FORMAT_VERSION,
      id: stage.id,
      params: stage.params,
      code: await hasher.fingerprint(stage.module),
      inputs: inputKeys,
    };
    const legacy: KeyMaterial = {
      format: LEGACY_FORMAT,
      id: stage.id,
      params: stage.params,
      code: hasher.legacyFingerprint(stage.module),
      inputs: legacyInputKeys,
    };
    const key = hashJson(material);
    const legacyKey = hashJson(legacy);
    let state: EntryState = { state: "missing" };
    let adoptFrom: string | undefined;
    let legacyCorrupt: string | undefined;
    if (!force.has(stage.id)) {
      state = await store.check(key);
      if (state.state === "missing" && present.has(legacyKey)) {
        const old = await store.check(legacyKey, false, [LEGACY_FORMAT]);
        if (old.state === "valid") {
          state = old;
          adoptFrom = legacyKey;
        } else if (old.state === "corrupt") legacyCorrupt = old.reason;
      }
    }
    const p: PlannedStage = {
      stage,
      key,
      material,
      legacyKey,
      legacyMaterial: legacy,
      ...(adoptFrom === undefined ? {} : { adoptFrom }),
      inputIds,
      selected: selected.has(stage.id),
      status: state.state === "valid" ? "cached" : "run",
      manifest: state.state === "valid" ? state.manifest : null,
      reason: "up to date",
      cause: { id: stage.id, reason: "" },
    };
    if (force.has(stage.id)) p.reason = "forced with --force";
    else if (state.state === "corrupt") p.reason = `cache entry is corrupt: ${state.reason}`;
    else if (legacyCorrupt !== undefined) {
      p.reason = `cache entry (format ${LEGACY_FORMAT}) is corrupt: ${legacyCorrupt}`;
    } else if (state.state === "missing") {
      const builds = await store.readIndex(stage.id);
      const built = builds.find((b) => b.key === key);
      // quarantined after its latest build (a rebuilt entry deleted since is just missing)
      const quarantinedAt = built ? await store.quarantinedAt(key) : null;
      const quarantined = quarantinedAt !== null && quarantinedAt > Date.parse(built!.builtAt);
      p.reason = explain(material, key, builds, planned, quarantined, legacy);
    }
    p.cause = rootCause(p, planned);
    planned.set(stage.id, p);
  }
  return [...planned.values()];
}

/**
 * Make each adopted format-1 entry (`adoptFrom`) the entry of its stage's key, and give a selected
 * stage that runs the checkpoints an interrupted format-1 attempt left under its legacy key (the
 * same code byte for byte, the same inputs), where it has none of its own. Only call while holding
 * out/'s lock (`run`), before any stage reads its inputs or its checkpoints.
 */
export async function adoptEntries(
  stages: PlannedStage[],
  store: Store,
): Promise<{ entries: number; checkpoints: number }> {
  let entries = 0;
  let checkpoints = 0;
  for (const p of stages) {
    if (p.adoptFrom !== undefined) {
      p.manifest = await store.adopt(p.adoptFrom, p.key, p.material);
      delete p.adoptFrom;
      entries++;
    } else if (p.status === "run" && p.selected) {
      const old = store.workDir(p.legacyKey);
      if (await exists(old) && !(await exists(store.workDir(p.key)))) {
        await Deno.rename(old, store.workDir(p.key));
        checkpoints++;
      }
    }
  }
  return { entries, checkpoints };
}

/**
 * What `gc` keeps of a plan: each stage's entry and, until a run adopts it, the format-1 entry
 * that stands for it; its checkpoints under its key and, for a stage that runs and has none under
 * its key (`workKeys`: the keys that have checkpoints), under its legacy key, which the run takes
 * over.
 */
export function keptKeys(
  stages: PlannedStage[],
  workKeys: ReadonlySet<string>,
): { entries: string[]; work: string[] } {
  const takesOver = (p: PlannedStage) => p.status === "run" && !workKeys.has(p.key);
  return {
    entries: stages.flatMap((p) => p.adoptFrom === undefined ? [p.key] : [p.key, p.adoptFrom]),
    work: stages.flatMap((p) => takesOver(p) ? [p.key, p.legacyKey] : [p.key]),
  };
}

/** Follow "input changed" reasons upstream to the stage that changed by itself. */
function rootCause(
  p: PlannedStage,
  planned: Map<string, PlannedStage>,
): { id: string; reason: string } {
  if (p.status === "cached") return { id: p.stage.id, reason: "" };
  for (const [name, id] of Object.entries(p.inputIds)) {
    const up = planned.get(id)!;
    if (up.status === "run" && p.reason.startsWith(`input "${name}" changed`)) return up.cause;
  }
  return { id: p.stage.id, reason: p.reason };
}

function checkPublish(stages: Stage[]): void {
  const owner = new Map<string, string>();
  for (const s of stages) {
    for (const path of s.publish) {
      if (path.startsWith("/") || path.split("/").includes("..") || path.startsWith("cache")) {
        throw new UsageError(
          `Stage "${s.id}" publishes "${path}": expected a relative path in out/`,
        );
      }
      const other = owner.get(path);
      if (other) throw new UsageError(`Stages "${other}" and "${s.id}" both publish "${path}"`);
      owner.set(path, s.id);
    }
  }
}
