/**
 * What the training-run modules share: logs kept in the work directory beside the trainer's
 * checkpoint (so that a resumed run continues them), and the run's summary in `run.json`.
 */
import type { Params, StageContext } from "../pipeline/mod.ts";
import { writeFileAtomic } from "../pipeline/fs.ts";

/** A logged row: step or epoch number and measured values. */
export type Row = Record<string, number>;

/** The JSON kept at `path`, or `empty` when there is none yet. */
export async function loadLog<T>(path: string, empty: T): Promise<T> {
  return await Deno.readTextFile(path).then((t) => JSON.parse(t) as T).catch(() => empty);
}

/** Writes `value` to `path` as JSON, atomically. */
export async function saveLog(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value));
}

/**
 * Drops the trailing rows whose `key` is `from` or later: after a resume the trainer logs those
 * steps again, with identical values.
 */
export function dropFrom(rows: Row[], key: string, from: number): void {
  while (rows.length && rows.at(-1)![key] >= from) rows.pop();
}

/** The largest `key` over `rows`, or null when there are none. */
export function best(rows: readonly Row[], key: string): number | null {
  return rows.length ? Math.max(...rows.map((r) => r[key])) : null;
}

/**
 * Logs the run's summary (its params, train-set size, whether and where it diverged, then
 * `extra`) and writes `<outDir>/run.json` as { summary, ...series }.
 */
export async function writeRun<P extends Params>(
  ctx: StageContext<P>,
  trainCount: number,
  result: { readonly diverged: boolean; readonly step: number },
  extra: Record<string, unknown>,
  series: Record<string, unknown>,
): Promise<void> {
  const summary = {
    ...ctx.params,
    trainCount,
    diverged: result.diverged,
    divergedAt: result.diverged ? result.step : null,
    ...extra,
  };
  ctx.log(JSON.stringify(summary));
  await Deno.writeTextFile(`${ctx.outDir}/run.json`, JSON.stringify({ summary, ...series }) + "\n");
}
