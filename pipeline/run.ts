/**
 * Execution: run the planned stages in dependency order, each in its own process, at most
 * `jobs` threads' worth at a time; commit each success to the store; stop after a failure
 * (or, with `keepGoing`, run whatever does not depend on it), or when `signal` aborts (Ctrl-C):
 * then the running workers are stopped and every stage not finished is skipped as interrupted.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Store } from "./cache.ts";
import type { CodeFingerprint } from "./code_hash.ts";
import { codeChange } from "./explain.ts";
import { removeAll } from "./fs.ts";
import type { PlannedStage } from "./plan.ts";
import type { Outcome, Reporter } from "./progress.ts";
import type { DagConfig } from "./dag_config.ts";
import type { BuildOptions, Stage } from "./stage.ts";
import { type Job, PROGRESS_MARK } from "./job.ts";

/** What happened to one stage. */
export interface StageResult {
  outcome: Outcome | "not-selected";
  startedAt?: string;
  durationMs?: number;
  detail?: string;
}

export interface ExecuteOptions {
  /** The DAG module's file: URL, which the worker imports. */
  dag: string;
  build: BuildOptions;
  /** The DAG module's config the DAG was built with, which the workers build it with too. */
  dagConfig?: DagConfig;
  jobs: number;
  keepGoing: boolean;
  reporter: Reporter;
  /** Deno config file the workers run with. */
  config: string;
  tools: Record<string, string>;
  /**
   * The code fingerprint of a stage module as the files are now (a fresh read): a stage whose
   * code changed while it waited or ran is not cached under the key planned from the old code.
   */
  fingerprint?: (module: string) => Promise<CodeFingerprint>;
  /** Aborted to interrupt the run: nothing new starts and running workers get SIGTERM. */
  signal?: AbortSignal;
}

/** The details of a stage that an interrupt stopped, or kept from starting. */
export const INTERRUPTED = "interrupted";
export const NOT_STARTED = "not started: interrupted";

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
const LOG_TAIL_LINES = 20;

/** Run every selected stage whose status is "run"; return a result for every stage. */
/** The threads a stage computes with: its declared ones, whatever `--jobs` is. */
export function declaredThreads(stage: Stage): number {
  return Math.max(1, stage.resources.threads);
}

/** The threads a stage counts against `jobs`: a stage wider than `jobs` runs alone. */
export function countedThreads(stage: Stage, jobs: number): number {
  return Math.max(1, Math.min(declaredThreads(stage), jobs));
}

/**
 * The runner's schedule: takes from `pending`, in order, every stage that can start now, i.e.
 * whose inputs are done (`ready`) and whose threads fit in `jobs` beside the `used` ones of the
 * `running` stages and of those taken before it (one always starts when nothing runs). The run's
 * time estimate (estimate.ts) replays it.
 */
export function takeStartable<T>(
  pending: T[],
  ready: (t: T) => boolean,
  threads: (t: T) => number,
  running: number,
  used: number,
  jobs: number,
): T[] {
  const taken: T[] = [];
  for (let i = 0; i < pending.length; i++) {
    const t = pending[i];
    if (!ready(t)) continue;
    if (running + taken.length > 0 && used + threads(t) > jobs) continue;
    pending.splice(i--, 1);
    taken.push(t);
    used += threads(t);
  }
  return taken;
}

export async function executePlan(
  plan: PlannedStage[],
  store: Store,
  options: ExecuteOptions,
): Promise<Map<string, StageResult>> {
  const results = new Map<string, StageResult>();
  for (const p of plan) {
    if (!p.selected) results.set(p.stage.id, { outcome: "not-selected" });
    else if (p.status === "cached") results.set(p.stage.id, { outcome: "cached" });
  }
  const pending = plan.filter((p) => p.selected && p.status === "run");
  const running = new Map<string, Promise<void>>();
  let used = 0;
  let stopped = false;
  // A stage wider than --jobs runs alone but keeps its declared threads: ONNX Runtime's results
  // can depend on its thread count, and the cache key does not depend on --jobs.
  const declared = (p: PlannedStage) => declaredThreads(p.stage);
  const threadsOf = (p: PlannedStage) => countedThreads(p.stage, options.jobs);

  const launch = (p: PlannedStage) => {
    const counted = threadsOf(p);
    used += counted;
    const task = runOne(p, store, options, declared(p)).then((r) => {
      results.set(p.stage.id, r);
      used -= counted;
      running.delete(p.stage.id);
      if (r.outcome === "failed" && !options.keepGoing) stopped = true;
    });
    running.set(p.stage.id, task);
  };

  // the interrupt sends SIGTERM to the running workers (spawnWorker), whose ends wake the loop
  const interrupted = () => options.signal?.aborted ?? false;
  const outcomes = (p: PlannedStage) =>
    Object.values(p.inputIds).map((id) => results.get(id)?.outcome);
  const ready = (p: PlannedStage) => outcomes(p).every((o) => o === "cached" || o === "ran");
  while (pending.length > 0 || running.size > 0) {
    if (interrupted()) stopped = true;
    for (let i = 0; i < pending.length && !stopped; i++) {
      const p = pending[i];
      if (!outcomes(p).some((o) => o === "failed" || o === "skipped")) continue;
      results.set(p.stage.id, { outcome: "skipped", detail: "an input failed" });
      options.reporter.end(p.stage.id, "skipped", 0, "an input failed");
      pending.splice(i--, 1);
    }
    if (!stopped) {
      for (const p of takeStartable(pending, ready, threadsOf, running.size, used, options.jobs)) {
        launch(p);
      }
    }
    if (stopped && running.size === 0) break;
    if (running.size > 0) await Promise.race(running.values());
    else if (pending.length > 0 && !stopped) {
      throw new Error(`Stages ${pending.map((p) => `"${p.stage.id}"`).join(", ")} cannot start`);
    }
  }
  for (const p of pending) {
    if (interrupted()) {
      // counted in the run's last line rather than listed one by one
      results.set(p.stage.id, { outcome: "skipped", detail: NOT_STARTED });
      continue;
    }
    const inputFailed = Object.values(p.inputIds).some((id) =>
      ["failed", "skipped"].includes(results.get(id)?.outcome ?? "")
    );
    const detail = inputFailed ? "an input failed" : "stopped after a failure";
    results.set(p.stage.id, { outcome: "skipped", detail });
    options.reporter.end(p.stage.id, "skipped", 0, detail);
  }
  return results;
}

async function runOne(
  p: PlannedStage,
  store: Store,
  options: ExecuteOptions,
  threads: number,
): Promise<StageResult> {
  const id = p.stage.id;
  const started = new Date();
  const clock0 = performance.now();
  options.reporter.start(id, p.reason);
  // what the stage's code closure looks like now, against the plan's fingerprint
  const changedSincePlan = async () => {
    try {
      return options.fingerprint &&
        codeChange(p.material.code, await options.fingerprint(p.stage.module));
    } catch (e) {
      return `code changed: ${(e as Error).message}`;
    }
  };
  const early = await changedSincePlan();
  if (early) {
    const detail = `${early} after the run was planned; the stage was not started: run again`;
    options.reporter.end(id, "failed", 0, detail);
    return { outcome: "failed", startedAt: started.toISOString(), durationMs: 0, detail };
  }
  const tmp = await store.begin(p.key);
  const workDir = store.workDir(p.key);
  // an earlier attempt's checkpoints: this build goes on from them, so its time covers only part
  const resumed = await hasEntries(workDir);
  await Deno.mkdir(workDir, { recursive: true });
  const logPath = join(store.out, "logs", `${id}.log`);
  await Deno.mkdir(join(store.out, "logs"), { recursive: true });
  const job: Job = {
    dag: options.dag,
    build: options.build,
    ...(options.dagConfig === undefined ? {} : { config: options.dagConfig }),
    id,
    params: p.stage.params,
    inputs: Object.fromEntries(
      Object.keys(p.inputIds).map((name) => [
        name,
        store.filesDir(p.material.inputs[name]),
      ]),
    ),
    outDir: join(tmp, "files"),
    workDir,
    threads,
  };
  const code = await spawnWorker(
    job,
    logPath,
    options,
    (prog) => options.reporter.progress(id, prog),
  );
  const ms = Date.now() - started.getTime();
  // Ctrl-C signals the worker as well as the runner, and its exit can be seen first
  if (code === 130 || code === 143) await interruptSeen(options.signal);
  if (code !== 0 && options.signal?.aborted) {
    // stopped by the interrupt: no entry, no failure; its checkpoints stay for the next run
    await removeAll(tmp);
    options.reporter.end(id, "skipped", ms, INTERRUPTED);
    return {
      outcome: "skipped",
      startedAt: started.toISOString(),
      durationMs: ms,
      detail: INTERRUPTED,
    };
  }
  const result: StageResult = { outcome: "ran", startedAt: started.toISOString(), durationMs: ms };
  try {
    if (code !== 0) throw new Error(`exit code ${code}`);
    const changed = await changedSincePlan();
    if (changed) {
      throw new Error(
        `${changed} after the run was planned, so what the stage computed may not match its ` +
          `key; its outputs were not cached: run again`,
      );
    }
    await store.commit(tmp, {
      key: p.key,
      material: p.material,
      startedAt: started.toISOString(),
      endedAt: new Date().toISOString(),
      tools: options.tools,
      threads,
      ...(resumed ? { resumed } : {}),
    }, Math.round(performance.now() - clock0));
    await removeAll(workDir);
  } catch (e) {
    await removeAll(tmp);
    const tail = await logTail(logPath);
    result.outcome = "failed";
    result.detail = `${(e as Error).message}; log: ${logPath}`;
    options.reporter.end(id, "failed", ms, result.detail);
    options.reporter.message(`--- last lines of ${logPath} ---\n${tail}`);
    return result;
  }
  options.reporter.end(id, "ran", ms);
  return result;
}

async function spawnWorker(
  job: Job,
  logPath: string,
  options: ExecuteOptions,
  onProgress: (p: { done: number; total: number; unit?: string }) => void,
): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", options.config, WORKER],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
  }).spawn();
  const stop = () => {
    try {
      child.kill("SIGTERM");
    } catch { /* it has exited */ }
  };
  options.signal?.addEventListener("abort", stop, { once: true });
  const log = await Deno.open(logPath, { write: true, create: true, truncate: true });
  const writer = log.writable.getWriter(); // closing the writer closes the file
  const encoder = new TextEncoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    let buffer = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith(PROGRESS_MARK)) onProgress(JSON.parse(line.slice(1)));
        else await writer.write(encoder.encode(line + "\n"));
      }
    }
    if (buffer) await writer.write(encoder.encode(buffer + "\n"));
  };
  const stdin = child.stdin.getWriter();
  await stdin.write(encoder.encode(JSON.stringify(job) + "\n"));
  const [status] = await Promise.all([child.status, pump(child.stdout), pump(child.stderr)]);
  options.signal?.removeEventListener("abort", stop);
  await stdin.close().catch(() => {});
  await writer.close();
  return status.code;
}

/** Resolves when `signal` aborts or after 500 ms, whichever is first. */
function interruptSeen(signal: AbortSignal | undefined): Promise<void> {
  if (!signal || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, 500);
    function done() {
      clearTimeout(timer);
      signal!.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

async function logTail(path: string): Promise<string> {
  const text = await Deno.readTextFile(path).catch(() => "");
  return text.trimEnd().split("\n").slice(-LOG_TAIL_LINES).join("\n");
}

/** Whether `dir` exists and holds anything. */
async function hasEntries(dir: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(dir)) return true;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return false;
}
