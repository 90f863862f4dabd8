/**
 * Progress display: a live view on a terminal (stage i/n, running stages, bars with ETA), plain
 * timestamped lines otherwise (CI logs).
 */
import type { Progress } from "./stage.ts";

/** The time of day (UTC) that starts each line of plain progress output: "13:05:09". */
export function clock(now = new Date()): string {
  return now.toISOString().slice(11, 19);
}

/** Outcome of one stage in a run. */
export type Outcome = "cached" | "ran" | "failed" | "skipped";

/** Receives the runner's events. */
export interface Reporter {
  start(id: string, reason: string): void;
  progress(id: string, p: Progress): void;
  end(id: string, outcome: Outcome, ms: number, detail?: string): void;
  message(text: string): void;
  close(): void;
}

/** "1h02m", "3m05s", "12s". */
export function formatDuration(ms: number): string {
  if (ms < 9950) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** "450/1000 steps" or "12.0/53.0 MiB". */
function formatCounts(done: number, total: number, unit?: string): string {
  if (unit === "bytes") {
    const [div, name] = total >= 2 ** 30
      ? [2 ** 30, "GiB"]
      : total >= 2 ** 20
      ? [2 ** 20, "MiB"]
      : [1024, "KiB"];
    return `${(done / div).toFixed(1)}/${(total / div).toFixed(1)} ${name}`;
  }
  return `${done}/${total}${unit ? ` ${unit}` : ""}`;
}

interface Running {
  id: string;
  startedAt: number;
  p?: Progress;
  /**
   * When the first report of the current count arrived, with its `done`, for a rate that ignores
   * set-up. A new count (another total or unit, or `done` going back, as when a download is
   * followed by its verification) starts a new base.
   */
  base?: { at: number; done: number };
}

/**
 * No ETA until the rate has been observed this long: the first chunks of a download or the first
 * steps after set-up would give one that is far off.
 */
export const MIN_ETA_MS = 1000;

/** Percent, counts and ETA of a running stage, e.g. "45% 450/1000 steps ETA 1m20s". */
export function describeProgress(r: Running, now: number): string {
  if (!r.p || r.p.total <= 0) return `running ${formatDuration(now - r.startedAt)}`;
  const { done, total, unit } = r.p;
  const pct = Math.floor((100 * done) / total);
  let eta = "";
  if (r.base && done > r.base.done && now - r.base.at >= MIN_ETA_MS) {
    const rate = (done - r.base.done) / (now - r.base.at);
    eta = ` ETA ${formatDuration((total - done) / rate)}`;
  }
  return `${pct}% ${formatCounts(done, total, unit)}${eta}`;
}

function bar(p: Progress | undefined, width: number): string {
  const f = p && p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const n = Math.round(f * width);
  return `[${"#".repeat(n)}${".".repeat(width - n)}]`;
}

/** What is left of a run, given the stages ended and the running ones' starts (see estimate.ts). */
export type LeftEstimate = (
  ended: ReadonlySet<string>,
  running: ReadonlyMap<string, number>,
  now: number,
) => string;

abstract class BaseReporter implements Reporter {
  protected running = new Map<string, Running>();
  protected finished = 0;
  protected started = 0;
  #ended = new Set<string>();
  #failed = false;
  /** Set by the runner when earlier builds give times: "about 1h10m left", or "". */
  left?: LeftEstimate;
  constructor(protected total: number, protected write: (s: string) => void) {}
  /**
   * `left`'s text now; "" without one, and after a stage failed or was skipped (the run stops,
   * or with --keep-going skips what depends on it, which the estimate cannot tell).
   */
  protected leftText(now = Date.now()): string {
    if (!this.left || this.#failed) return "";
    const starts = new Map([...this.running.values()].map((r) => [r.id, r.startedAt]));
    return this.left(this.#ended, starts, now);
  }
  start(id: string, _reason: string): void {
    this.started++;
    this.running.set(id, { id, startedAt: Date.now() });
  }
  progress(id: string, p: Progress): void {
    const r = this.running.get(id);
    if (!r) return;
    const last = r.p;
    const fresh = !last || p.total !== last.total || p.unit !== last.unit || p.done < last.done;
    r.p = p;
    if (!r.base || fresh) r.base = { at: Date.now(), done: p.done };
  }
  end(id: string, outcome: Outcome, _ms: number, _detail?: string): void {
    this.running.delete(id);
    this.#ended.add(id);
    if (outcome === "failed" || outcome === "skipped") this.#failed = true;
    this.finished++;
  }
  protected stamp(): string {
    return clock();
  }
  abstract message(text: string): void;
  abstract close(): void;
}

/** Plain lines with a timestamp; progress at most every `every` ms per stage. */
export class PlainReporter extends BaseReporter {
  #lastShown = new Map<string, number>();
  constructor(total: number, write: (s: string) => void, private every = 10_000) {
    super(total, write);
  }
  override start(id: string, reason: string): void {
    super.start(id, reason);
    this.write(`${this.stamp()} [${this.started}/${this.total}] start ${id}: ${reason}\n`);
  }
  override progress(id: string, p: Progress): void {
    super.progress(id, p);
    const now = Date.now();
    const r = this.running.get(id);
    if (!r || now - (this.#lastShown.get(id) ?? r.startedAt) < this.every) return;
    this.#lastShown.set(id, now);
    this.write(`${this.stamp()}       ${id} ${describeProgress(r, now)}\n`);
  }
  override end(id: string, outcome: Outcome, ms: number, detail?: string): void {
    super.end(id, outcome, ms);
    const extra = detail ? `: ${detail}` : "";
    const more = this.running.size > 0 || this.finished < this.total;
    const left = outcome === "ran" && more ? this.leftText() : "";
    this.write(
      `${this.stamp()}       ${outcome} ${id} (${formatDuration(ms)})${extra}` +
        `${left ? `; ${left}` : ""}\n`,
    );
  }
  message(text: string): void {
    this.write(`${this.stamp()} ${text}\n`);
  }
  close(): void {}
}

/** A live view redrawn in place on a terminal. */
export class TtyReporter extends BaseReporter {
  #lines = 0;
  #timer: ReturnType<typeof setInterval>;
  private columns: number;
  constructor(total: number, write: (s: string) => void, columns = 100) {
    super(total, write);
    this.columns = columns >= 40 ? columns : 100; // a pseudo-terminal may report 0
    this.#timer = setInterval(() => this.#draw(), 250);
    this.#timer.unref(); // the display never keeps the process alive
  }
  #clear(): void {
    if (this.#lines > 0) this.write(`\x1b[${this.#lines}F\x1b[J`);
    this.#lines = 0;
  }
  #draw(): void {
    this.#clear();
    const now = Date.now();
    const left = this.leftText(now);
    const rows = [
      `[${this.finished}/${this.total}] ${this.running.size} running${left ? `, ${left}` : ""}`,
    ];
    for (const r of this.running.values()) {
      const line = `  ${r.id} ${bar(r.p, 20)} ${describeProgress(r, now)}`;
      rows.push(line.length > this.columns ? line.slice(0, this.columns - 1) : line);
    }
    this.write(rows.join("\n") + "\n");
    this.#lines = rows.length;
  }
  override start(id: string, reason: string): void {
    super.start(id, reason);
    this.#clear();
    this.write(`start ${id}: ${reason}\n`);
    this.#draw();
  }
  override end(id: string, outcome: Outcome, ms: number, detail?: string): void {
    super.end(id, outcome, ms);
    this.#clear();
    this.write(`${outcome} ${id} (${formatDuration(ms)})${detail ? `: ${detail}` : ""}\n`);
    this.#draw();
  }
  message(text: string): void {
    this.#clear();
    this.write(text + "\n");
    this.#draw();
  }
  close(): void {
    clearInterval(this.#timer);
    this.#clear();
  }
}
