/**
 * How long the stages to run will take, from their earlier builds: a stage's estimate is the run
 * time of its newest earlier build with the same params and threads (a build of other params, a
 * smoke-scale one, say, says little about this one; one that went on from checkpoints covers only
 * part); the whole run's is the time the runner's schedule (`executePlan`: stages in plan order,
 * each started once its inputs are done and its threads fit in `--jobs`) takes with those times.
 * Stages without such a build count as 0, and the message says how many there are.
 */
import type { IndexRecord, Store } from "./cache.ts";
import { canonicalJson } from "./hash.ts";
import type { PlannedStage } from "./plan.ts";
import { formatDuration } from "./progress.ts";
import { countedThreads, declaredThreads, takeStartable } from "./run.ts";

/** An earlier build's run time and threads, or null if unknown (`Store.buildTime`). */
export type BuildTime = Store["buildTime"];

/**
 * The run time of the newest build in `builds` (newest first) whose params equal `params` and
 * whose thread count is `threads`, or undefined if none has both.
 */
export async function earlierRunMs(
  builds: readonly IndexRecord[],
  params: unknown,
  threads: number,
  timeOf: BuildTime,
): Promise<number | undefined> {
  const wanted = canonicalJson(params ?? {});
  for (const b of builds) {
    if (canonicalJson(b.material.params ?? {}) !== wanted) continue;
    const t = await timeOf(b);
    if (t && t.threads === threads) return t.ms;
  }
  return undefined;
}

/** A stage to run, as the schedule sees it. */
export interface ScheduledStage {
  id: string;
  /** Threads it counts against `jobs` (its declared threads, at most `jobs`). */
  threads: number;
  /** Its estimated run time; undefined counts as 0. */
  ms: number | undefined;
  /** Ids of its inputs; those not among the stages to run are done already. */
  inputs: readonly string[];
}

/**
 * The wall time of running `stages` (in plan order) as `executePlan` schedules them
 * (`takeStartable`), each taking its `ms`.
 */
export function scheduleMs(stages: readonly ScheduledStage[], jobs: number): number {
  const toRun = new Set(stages.map((s) => s.id));
  const done = new Set<string>();
  const pending = [...stages];
  const running: { id: string; end: number; threads: number }[] = [];
  let now = 0;
  let used = 0;
  const ready = (s: ScheduledStage) => s.inputs.every((id) => done.has(id) || !toRun.has(id));
  while (pending.length > 0 || running.length > 0) {
    for (const s of takeStartable(pending, ready, (s) => s.threads, running.length, used, jobs)) {
      running.push({ id: s.id, end: now + (s.ms ?? 0), threads: s.threads });
      used += s.threads;
    }
    if (running.length === 0) break; // an input that never finishes: the plan rejects that
    now = Math.min(...running.map((r) => r.end));
    for (let i = 0; i < running.length; i++) {
      if (running[i].end > now) continue;
      done.add(running[i].id);
      used -= running[i].threads;
      running.splice(i--, 1);
    }
  }
  return now;
}

/** ", counting the 3 stages without an earlier build as 0" where `unknown` > 0. */
function unknownNote(unknown: number): string {
  if (unknown === 0) return "";
  return `, counting ${unknown === 1 ? "the stage" : `the ${unknown} stages`} without an ` +
    `earlier build as 0`;
}

/**
 * "; about 2h24m by earlier builds" (of every stage to run), "; about 40m by earlier builds,
 * counting the 3 stages without an earlier build as 0", or "" when none has one.
 */
export function describeEstimate(stages: readonly ScheduledStage[], jobs: number): string {
  const unknown = stages.filter((s) => s.ms === undefined).length;
  if (unknown === stages.length) return "";
  const total = formatDuration(scheduleMs(stages, jobs));
  return `; about ${total} by earlier builds${unknownNote(unknown)}`;
}

/** Set `estimateMs` of every selected stage that runs in `plan` from its earlier builds. */
export async function addEstimates(plan: readonly PlannedStage[], store: Store): Promise<void> {
  for (const p of plan) {
    if (!p.selected || p.status !== "run") continue;
    const builds = await store.readIndex(p.stage.id);
    const timeOf = (r: IndexRecord) => store.buildTime(r);
    p.estimateMs = await earlierRunMs(builds, p.stage.params, declaredThreads(p.stage), timeOf);
  }
}

/** The selected stages that run in `plan`, as the schedule sees them with `jobs` threads. */
export function scheduledStages(plan: readonly PlannedStage[], jobs: number): ScheduledStage[] {
  return plan.filter((p) => p.selected && p.status === "run").map((p) => ({
    id: p.stage.id,
    threads: countedThreads(p.stage, jobs),
    ms: p.estimateMs,
    inputs: Object.values(p.inputIds),
  }));
}

/**
 * While a run goes on: "about 1h10m left" (with the note of `describeEstimate` where some stages
 * have no earlier build; "" where none has) for the stages not `ended`, the running ones (id to
 * start, ms since 1970) first with what their estimates leave, the others after them in plan
 * order.
 */
export function describeLeft(
  stages: readonly ScheduledStage[],
  jobs: number,
  ended: ReadonlySet<string>,
  running: ReadonlyMap<string, number>,
  now: number,
): string {
  const left = stages.filter((s) => !ended.has(s.id));
  const unknown = left.filter((s) => s.ms === undefined).length;
  if (unknown === left.length) return "";
  const first = left.filter((s) => running.has(s.id)).map((s) => ({
    ...s,
    ms: s.ms === undefined ? undefined : Math.max(0, s.ms - (now - running.get(s.id)!)),
  }));
  const rest = left.filter((s) => !running.has(s.id));
  const total = formatDuration(scheduleMs([...first, ...rest], jobs));
  return `about ${total} left${unknownNote(unknown)}`;
}
