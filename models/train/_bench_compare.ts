/**
 * `bench:train --compare FILE`: the rows of an earlier run's JSON (out/bench/runs/ keeps one per
 * run) side by side with this run's, as a Markdown table of best step times and their ratios.
 */

import type { Machine } from "./_bench_timing.ts";

/** Best and median seconds of a timed phase. */
export interface Timing {
  readonly best: number;
  readonly median: number;
}

/** The fields of one row of out/bench/train.json that a comparison reads. */
export interface SavedRow {
  readonly model: string;
  readonly batch: number;
  readonly ortSeconds: Timing;
  readonly graphSeconds: Timing;
  readonly torchSeconds: Timing | null;
  readonly ortOverTorch: number | null;
  readonly graphOverTorchPaired: number | null;
}

/** The fields of a whole run that a comparison reads. */
export interface SavedRun {
  readonly date: string;
  readonly ep: string;
  readonly threads: number;
  readonly gemm: { readonly bestGflops: number };
  readonly rows: readonly SavedRow[];
  /** The machine and the commit of the run; null in runs from before they were recorded. */
  readonly machine: Machine | null;
  readonly commit: string | null;
}

/**
 * Checks that `text` is a bench run's JSON with the fields a comparison reads; throws a
 * RangeError naming `file` and the first missing or mistyped field.
 */
export function parseSavedRun(text: string, file: string): SavedRun {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new RangeError(`Expected JSON in "${file}" but it does not parse`, { cause });
  }
  const fail = (field: string, want: string): never => {
    throw new RangeError(`Expected "${field}" in "${file}" to be ${want}`);
  };
  const obj = (v: unknown, field: string) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? v as Record<string, unknown>
      : fail(field, "an object");
  const num = (v: unknown, field: string) =>
    typeof v === "number" && Number.isFinite(v) ? v : fail(field, "a number");
  const timing = (v: unknown, field: string): Timing => {
    const t = obj(v, field);
    return { best: num(t.best, `${field}.best`), median: num(t.median, `${field}.median`) };
  };
  const run = obj(data, "(top level)");
  if (typeof run.date !== "string") fail("date", "a string");
  if (typeof run.ep !== "string") fail("ep", "a string");
  if (!Array.isArray(run.rows)) fail("rows", "an array");
  const rows = (run.rows as unknown[]).map((r, i): SavedRow => {
    const row = obj(r, `rows[${i}]`);
    const at = (f: string) => `rows[${i}].${f}`;
    if (typeof row.model !== "string") fail(at("model"), "a string");
    return {
      model: row.model as string,
      batch: num(row.batch, at("batch")),
      ortSeconds: timing(row.ortSeconds, at("ortSeconds")),
      graphSeconds: timing(row.graphSeconds, at("graphSeconds")),
      torchSeconds: row.torchSeconds == null ? null : timing(row.torchSeconds, at("torchSeconds")),
      ortOverTorch: row.ortOverTorch == null ? null : num(row.ortOverTorch, at("ortOverTorch")),
      graphOverTorchPaired: row.graphOverTorchPaired == null
        ? null
        : num(row.graphOverTorchPaired, at("graphOverTorchPaired")),
    };
  });
  const orNull = <T>(v: unknown, field: string, want: string, ok: (v: unknown) => boolean) =>
    v == null ? null : ok(v) ? v as T : fail(field, want);
  const str = (v: unknown, field: string) =>
    orNull<string>(v, field, "a string", (x) => typeof x === "string");
  let machine: Machine | null = null;
  if (run.machine != null) {
    const m = obj(run.machine, "machine");
    machine = {
      cpu: str(m.cpu, "machine.cpu"),
      familyModel: str(m.familyModel, "machine.familyModel"),
      cores: num(m.cores, "machine.cores"),
      simd: str(m.simd, "machine.simd") ?? fail("machine.simd", "a string"),
      memoryGiB: orNull<number>(m.memoryGiB, "machine.memoryGiB", "a number", Number.isFinite),
    };
  }
  return {
    date: run.date as string,
    ep: run.ep as string,
    threads: num(run.threads, "threads"),
    gemm: { bestGflops: num(obj(run.gemm, "gemm").bestGflops, "gemm.bestGflops") },
    rows,
    machine,
    commit: str(run.commit, "commit"),
  };
}

/** One line naming a machine: CPU, family/model, cores, vector extensions, memory. */
export function describeMachine(m: Machine): string {
  const parts = [
    `${m.cpu ?? "CPU model unknown"}${m.familyModel ? ` (family/model ${m.familyModel})` : ""}`,
    `${m.cores} ${m.cores === 1 ? "core" : "cores"}`,
    m.simd || "no SIMD flags read",
    ...(m.memoryGiB === null ? [] : [`${m.memoryGiB} GiB`]),
  ];
  return parts.join(", ");
}

/** Whether two machines are of one kind: same CPU model, family/model, cores and extensions. */
function sameKind(a: Machine, b: Machine): boolean {
  return a.cpu === b.cpu && a.familyModel === b.familyModel && a.cores === b.cores &&
    a.simd === b.simd;
}

const ms = (s: number) => (s * 1000).toFixed(s < 0.1 ? 1 : 0);
const times = (then: number, now: number) => `${(now / then).toFixed(2)}×`;

/**
 * Markdown lines comparing the rows both runs have (matched by model and batch): best step times
 * then and now with now/then (below 1 is faster now), and ORT / PyTorch then and now; rows only
 * one run has are listed after the table.
 */
export function compareRuns(then: SavedRun, now: SavedRun): string[] {
  const key = (r: SavedRow) => `${r.model}@${r.batch}`;
  const old = new Map(then.rows.map((r) => [key(r), r]));
  const lines = [
    `Against ${then.date} (${then.ep}, ${then.threads} threads, GEMM ${
      then.gemm.bestGflops.toFixed(0)
    } GFLOP/s best; now ${now.gemm.bestGflops.toFixed(0)}): best ms/step then → now (now/then)`,
    ...machineLines(then, now),
    "| model | batch | train() | graph | PyTorch | ORT / PyTorch (paired) then → now |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  const ratio = (r: SavedRow) =>
    r.ortOverTorch === null
      ? "-"
      : `${r.ortOverTorch.toFixed(2)}× (${r.graphOverTorchPaired?.toFixed(2) ?? "-"}×)`;
  const cell = (a: Timing | null, b: Timing | null) =>
    a && b ? `${ms(a.best)} → ${ms(b.best)} (${times(a.best, b.best)})` : "-";
  for (const r of now.rows) {
    const o = old.get(key(r));
    if (!o) continue;
    lines.push(
      `| ${r.model} | ${r.batch} | ${cell(o.ortSeconds, r.ortSeconds)} | ` +
        `${cell(o.graphSeconds, r.graphSeconds)} | ${cell(o.torchSeconds, r.torchSeconds)} | ` +
        `${ratio(o)} → ${ratio(r)} |`,
    );
  }
  const fresh = new Set(now.rows.map(key));
  const onlyNow = now.rows.map(key).filter((k) => !old.has(k));
  const onlyThen = then.rows.map(key).filter((k) => !fresh.has(k));
  if (onlyNow.length > 0) lines.push(`Only in this run: ${onlyNow.join(", ")}`);
  if (onlyThen.length > 0) lines.push(`Only in the earlier run: ${onlyThen.join(", ")}`);
  return lines;
}

/**
 * Where the two runs ran: one line for a machine of one kind, a warning where the kinds differ
 * (the GEMM rates then tell how far), and the commits where both are recorded.
 */
function machineLines(then: SavedRun, now: SavedRun): string[] {
  const lines = [];
  if (then.machine === null || now.machine === null) {
    lines.push(
      `Machine: ${now.machine ? describeMachine(now.machine) : "not recorded"} now; ` +
        `the earlier run does not record its machine`,
    );
  } else if (sameKind(then.machine, now.machine)) {
    lines.push(`Machine, then and now: ${describeMachine(now.machine)}`);
  } else {
    lines.push(
      `Different machines, so the ratios compare machines as well as code: then ` +
        `${describeMachine(then.machine)}; now ${describeMachine(now.machine)}`,
    );
  }
  if (then.commit !== null && now.commit !== null) {
    lines.push(`Commit then ${then.commit}, now ${now.commit}`);
  }
  return lines;
}
