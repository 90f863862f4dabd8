/**
 * How long the stages to run will take, from their earlier builds: a stage's estimate is the run
 * time of its newest earlier build with the same params and threads (a build of other params, a
 * smoke-scale one, say, says little about this one); the whole run's is the time the runner's
 * schedule (`executePlan`: stages in plan order, each started once its inputs are done and its
 * threads fit in `--jobs`) takes with those times. Stages without an earlier build count as 0, so
 * then it is a lower bound, and the message says how many stages it covers.
 */
import type { IndexRecord } from "./cache.ts";
import { canonicalJson } from "./hash.ts";
import type { PlannedStage } from "./plan.ts";
import { formatDuration } from "./progress.ts";

/** An earlier build's run time, ms (from its index record or its entry), or null if unknown. */
export type BuildTime = (record: IndexRecord) => Promise<{ ms: number; threads: number } | null>;

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
 * The wall time of running `stages` (in plan order) as `executePlan` schedules them: at each
 * moment, every stage whose inputs are done starts, in order, while its threads fit in `jobs`
 * (one always starts when nothing runs).
 */
export function scheduleMs(stages: readonly ScheduledStage[], jobs: number): number {
  const toRun = new Set(stages.map((s) => s.id));
  const done = new Set<string>();
  const pending = [...stages];
  const running: { id: string; end: number; threads: number }[] = [];
  let now = 0;
  let used = 0;
  while (pending.length > 0 || running.length > 0) {
    for (let i = 0; i < pending.length; i++) {
      const s = pending[i];
      if (!s.inputs.every((id) => done.has(id) || !toRun.has(id))) continue;
      if (running.length > 0 && used + s.threads > jobs) continue;
      pending.splice(i--, 1);
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

/**
 * "; about 2h24m by earlier builds" (of every stage to run) or "; at least 40m by earlier builds
 * of 12 of the 15" (some never built with these params), or "" when none was.
 */
export function describeEstimate(stages: readonly ScheduledStage[], jobs: number): string {
  const known = stages.filter((s) => s.ms !== undefined).length;
  if (known === 0) return "";
  const total = formatDuration(scheduleMs(stages, jobs));
  return known === stages.length
    ? `; about ${total} by earlier builds`
    : `; at least ${total} by earlier builds of ${known} of the ${stages.length}`;
}

/** The selected stages that run in `plan`, as the schedule sees them with `jobs` threads. */
export function scheduledStages(plan: readonly PlannedStage[], jobs: number): ScheduledStage[] {
  return plan.filter((p) => p.selected && p.status === "run").map((p) => ({
    id: p.stage.id,
    threads: Math.max(1, Math.min(p.stage.resources.threads, jobs)),
    ms: p.estimateMs,
    inputs: Object.values(p.inputIds),
  }));
}

/** `describeEstimate` of the selected stages that run in `plan`, with `jobs` threads. */
export function planEstimate(plan: readonly PlannedStage[], jobs: number): string {
  return describeEstimate(scheduledStages(plan, jobs), jobs);
}

/**
 * While a run goes on: "about 1h10m left" (or "at least 40m left" where some stages have no
 * earlier build; "" where none has) for the stages not `ended`, the running ones (id to start, ms
 * since 1970) first with what their estimates leave, the others after them in plan order.
 */
export function describeLeft(
  stages: readonly ScheduledStage[],
  jobs: number,
  ended: ReadonlySet<string>,
  running: ReadonlyMap<string, number>,
  now: number,
): string {
  const left = stages.filter((s) => !ended.has(s.id));
  const known = left.filter((s) => s.ms !== undefined).length;
  if (known === 0) return "";
  const first = left.filter((s) => running.has(s.id)).map((s) => ({
    ...s,
    inputs: [],
    ms: s.ms === undefined ? undefined : Math.max(0, s.ms - (now - running.get(s.id)!)),
  }));
  const rest = left.filter((s) => !running.has(s.id));
  const total = formatDuration(scheduleMs([...first, ...rest], jobs));
  return known === left.length ? `about ${total} left` : `at least ${total} left`;
}
