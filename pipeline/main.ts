/**
 * The pipeline command: plan, run, inspect, compare with earlier builds, verify and collect
 * garbage for a DAG module.
 *
 * @example
 * ```sh
 * deno run -A pipeline/main.ts run --dag stages/mod.ts --scale smoke --dry-run
 * ```
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FORMAT_VERSION, LEGACY_FORMAT, Store } from "./cache.ts";
import { type CliOptions, commandHint, parseCli, USAGE } from "./cli.ts";
import { CodeHasher } from "./code_hash.ts";
import { describeOverrides, formatConfig } from "./dag_config.ts";
import { stageBuilds } from "./builds.ts";
import { diffStages, renderDiff } from "./diff.ts";
import { UsageError } from "./errors.ts";
import { addEstimates, describeEstimate, describeLeft, scheduledStages } from "./estimate.ts";
import { hashJson } from "./hash.ts";
import { dagGraph, pickStages, renderDag, renderStage, stageReport } from "./inspect.ts";
import { buildDag, type BuiltDag, loadDag, type LoadedDag } from "./load.ts";
import { acquireLock, LockBusyError } from "./lock.ts";
import { collectGarbage, verifyStore } from "./maintenance.ts";
import { checkOutDir, type OutDirUse } from "./out_dir.ts";
import { idleSets, setNamesStage, unknownStage } from "./overrides.ts";
import { adoptEntries, checkPlan, keptKeys, type PlannedStage, planRun } from "./plan.ts";
import { clock, formatDuration, PlainReporter, TtyReporter } from "./progress.ts";
import { toolVersions, writeRunManifest } from "./provenance.ts";
import { publish } from "./publish.ts";
import { executePlan, INTERRUPTED, NOT_STARTED } from "./run.ts";

/** The memo of normalised code hashes in out/cache/ (see CodeHasher). */
const CODE_MEMO = ".code-hashes.json";

const encoder = new TextEncoder();
const err = (s: string) => Deno.stderr.writeSync(encoder.encode(s));
const say = (line: string) => err(line + "\n");
const waitNote = (out: string) => (holder: string) =>
  say(`Waiting for ${join(out, "/")} held by ${holder}...`);

/**
 * Key and status every stage of `built` (the DAG as `buildDag` makes it from `o`, by default).
 * The normalised code hashes are kept in out/cache/ for the next plan, where that folder exists
 * (the memo is the one file a command that only reads out/ may write: atomically, and a lost
 * update only costs a later plan the transpiling).
 */
async function plan(
  dag: LoadedDag,
  o: CliOptions,
  store: Store,
  built: BuiltDag = buildDag(dag, o, o.set),
) {
  const { build, def, preset } = built;
  const hasher = new CodeHasher(dag.root, { memo: join(store.cacheDir, CODE_MEMO) });
  const stages = await planRun(def, store, hasher, { only: o.only, force: o.force });
  await hasher.saveMemo();
  return { build, def, preset, stages };
}

function printDryRun(stages: PlannedStage[], o: CliOptions, header: string): void {
  const selected = stages.filter((p) => p.selected);
  if (o.json) {
    const doc = {
      stages: selected.map((p) => ({
        id: p.stage.id,
        key: p.key,
        status: p.status,
        reason: p.reason,
        ...(p.estimateMs !== undefined ? { estimateMs: p.estimateMs } : {}),
      })),
    };
    console.log(JSON.stringify(doc));
    return;
  }
  const width = Math.max(...selected.map((p) => p.stage.id.length), 2);
  const toRun = selected.filter((p) => p.status === "run").length;
  const estimate = describeEstimate(scheduledStages(stages, o.jobs), o.jobs);
  console.log(`${header}: ${counted(selected.length, "stage")}, ${toRun} to run${estimate}`);
  for (const p of selected) {
    const why = p.status === "run" ? p.reason : "";
    console.log(`  ${p.status.padEnd(6)} ${p.stage.id.padEnd(width)}  ${why}`.trimEnd());
  }
}

/** A note for each --set that names no selected stage having its param (say, one --only drops). */
function noteIdleSets(sets: string[], stages: PlannedStage[]): void {
  const chosen = stages.filter((p) => p.selected).map((p) => p.stage);
  for (const set of idleSets(chosen, sets)) {
    say(`note: --set ${set} names none of the stages this run selects`);
  }
}

/** Signals this close to the first interrupt count as the same one (see runCommand). */
const SAME_SIGNAL_MS = 500;

async function runCommand(dag: LoadedDag, o: CliOptions, store: Store): Promise<number> {
  if (o.dryRun) {
    const { build, stages } = await plan(dag, o, store);
    noteIdleSets(o.set, stages);
    await addEstimates(stages, store);
    printDryRun(
      stages,
      o,
      `plan (scale ${build.scale}, ep ${build.ep}${describeOverrides(o.config)})`,
    );
    return 0;
  }
  // bad arguments are reported now, not after waiting for another run to free out/
  const built = buildDag(dag, o, o.set);
  checkPlan(built.def, { only: o.only, force: o.force });
  using _lock = await acquireLock(store.out, {
    command: "run",
    wait: o.wait,
    onWait: waitNote(store.out),
  });
  await store.cleanTmp();
  const startedAt = new Date();
  const { build, stages } = await plan(dag, o, store, built);
  noteIdleSets(o.set, stages);
  const adopted = await adoptEntries(stages, store);
  const selected = stages.filter((p) => p.selected);
  const toRun = selected.filter((p) => p.status === "run");
  const reporter = Deno.stderr.isTerminal()
    ? new TtyReporter(toRun.length, err, Deno.consoleSize?.().columns ?? 100)
    : new PlainReporter(toRun.length, err);
  await addEstimates(stages, store);
  const scheduled = scheduledStages(stages, o.jobs);
  reporter.left = (ended, running, now) => describeLeft(scheduled, o.jobs, ended, running, now);
  reporter.message(
    `scale ${build.scale}, ep ${build.ep}${describeOverrides(o.config)}: ` +
      `${counted(selected.length, "stage")}, ${toRun.length} to run, ` +
      `${selected.length - toRun.length} cached${describeEstimate(scheduled, o.jobs)}`,
  );
  if (adopted.entries + adopted.checkpoints > 0) {
    const what = [
      ...(adopted.entries > 0 ? [counted(adopted.entries, "cache entry", "cache entries")] : []),
      ...(adopted.checkpoints > 0
        ? [`the checkpoints of ${counted(adopted.checkpoints, "interrupted stage")}`]
        : []),
    ].join(" and ");
    reporter.message(
      `adopted ${what} of format ${LEGACY_FORMAT}: the code is the same byte for byte, so ` +
        `they stand under format ${FORMAT_VERSION}'s keys`,
    );
  }
  const tools = { ...toolVersions(dag.root), ep: build.ep };
  // Ctrl-C (or SIGTERM) stops the workers and still records what ran; a second one quits at once.
  // A terminal's Ctrl-C through `deno task` arrives twice within milliseconds (from the terminal
  // and forwarded by deno task): a signal within SAME_SIGNAL_MS of the first is that same one.
  const interrupt = new AbortController();
  const signals = ["SIGINT", "SIGTERM"] as const;
  let firstAt = 0;
  const onSignal = () => {
    if (interrupt.signal.aborted) {
      if (performance.now() - firstAt >= SAME_SIGNAL_MS) Deno.exit(130);
      return;
    }
    firstAt = performance.now();
    interrupt.abort();
    reporter.message("interrupted: stopping the running stages (again to quit at once)");
  };
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  let results;
  try {
    results = await executePlan(stages, store, {
      dag: dag.url,
      build,
      dagConfig: built.config,
      jobs: o.jobs,
      keepGoing: o.keepGoing,
      reporter,
      config: join(dag.root, "deno.json"),
      tools,
      // a fresh read of the files; normalised hashes of unchanged files come from the memo
      fingerprint: (module) => new CodeHasher(dag.root).fingerprint(module),
      signal: interrupt.signal,
    });
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
    reporter.close();
  }
  for (const p of selected) {
    const outcome = results.get(p.stage.id)?.outcome;
    if ((outcome === "ran" || outcome === "cached") && p.stage.publish.length > 0) {
      await publish(store.filesDir(p.key), p.stage.publish, store.out);
    }
  }
  await writeRunManifest(store.out, stages, results, {
    dag: dag.url,
    build,
    config: built.config,
    overrides: o.config,
    tools,
    startedAt: startedAt.toISOString(),
  });
  const count = (what: string) => [...results.values()].filter((r) => r.outcome === what).length;
  const failed = count("failed");
  const stopped = interrupt.signal.aborted;
  const withDetail = (d: string) => [...results.values()].filter((r) => r.detail === d).length;
  // on a terminal the live view is gone by now; in a log the last line is timestamped like the rest
  say(
    (Deno.stderr.isTerminal() ? "" : `${clock()} `) +
      `${stopped ? "INTERRUPTED" : failed > 0 ? "FAILED" : "done"}: ${count("ran")} ran, ` +
      `${count("cached")} cached, ${failed} failed, ` +
      (stopped
        ? `${withDetail(INTERRUPTED)} stopped, ${withDetail(NOT_STARTED)} not started`
        : `${count("skipped")} skipped`) +
      ` in ${formatDuration(Date.now() - startedAt.getTime())}; ` +
      `manifest: ${join(store.out, "manifest.json")}` +
      (stopped ? "; the same command resumes (finished stages stay cached)" : ""),
  );
  if (stopped) return 130;
  return failed > 0 || count("skipped") > 0 ? 1 : 0;
}

async function dagCommand(dag: LoadedDag, o: CliOptions, store: Store): Promise<number> {
  const { build, stages } = await plan(dag, o, store);
  const selected = stages.filter((p) => p.selected);
  const toRun = selected.filter((p) => p.status === "run").length;
  const header = `DAG (scale ${build.scale}, ep ${build.ep}${describeOverrides(o.config)}): ` +
    `${counted(selected.length, "stage")}, ` +
    `${toRun} to run`;
  console.log(renderDag(dagGraph(stages, dag.root, o.group), o.format, header));
  return 0;
}

async function showCommand(dag: LoadedDag, o: CliOptions, store: Store): Promise<number> {
  const { def, preset, stages } = await plan(dag, { ...o, only: [] }, store);
  const presetParams = new Map(preset.map((s) => [s.id, s.params]));
  const picked = pickStages(stages, def, o.only);
  const reports = picked.map((p) =>
    stageReport(
      p,
      dag.root,
      presetParams.get(p.stage.id)!,
      store.entryDir(p.adoptFrom ?? p.key),
      store.out,
    )
  );
  if (o.builds) {
    for (const [i, p] of picked.entries()) reports[i].builds = await stageBuilds(p, store);
  }
  if (o.json) console.log(JSON.stringify({ stages: reports }));
  else console.log(reports.map(renderStage).join("\n\n"));
  return 0;
}

async function diffCommand(dag: LoadedDag, o: CliOptions, store: Store): Promise<number> {
  const { build, stages } = await plan(dag, o, store);
  const diffs = await diffStages(stages, store, { values: o.values, against: o.against });
  if (o.json) console.log(JSON.stringify({ stages: diffs }));
  else {
    const header = `diff (scale ${build.scale}, ep ${build.ep}${describeOverrides(o.config)})`;
    console.log(renderDiff(diffs, header));
  }
  return 0;
}

/** "1 entry", "3 entries". */
function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

async function gcCommand(dag: LoadedDag, o: CliOptions, store: Store): Promise<number> {
  const reachable = new Set<string>();
  const reachableWork = new Set<string>();
  const workKeys = new Set(await store.workKeys());
  // What is kept: every scale of the DAG as preset (its first EP, no --config or --set), and with
  // the --ep, --config and --set given, so that keeping a variant does not cost the preset's
  // entries. gc runs nothing, so it does not check param values (the config's are checked, since
  // a config the module refuses may make no DAG at all): a --set that one scale's stages cannot take (a batch above the smoke scale's rows, say) still names the keys of
  // that scale's DAG; and a --set of stages that exist at some scales only (fig3-sigma0.5-*)
  // applies where they do
  const variant = o.set.length > 0 || o.config.length > 0 ||
    (o.ep !== undefined && o.ep !== dag.mod.eps[0]);
  const presets = { ep: undefined, set: [] as string[], config: [] as string[] };
  const builds = [presets, ...(variant ? [o] : [])].flatMap(({ ep, set, config }) =>
    dag.mod.scales.map((scale) => {
      const all = { ...o, ep, scale, config, only: [], force: [] };
      return {
        all,
        built: buildDag(dag, all, set, { checkParams: false, skipUnknownStages: true }),
      };
    })
  );
  for (const set of o.set) {
    if (!builds.some(({ built }) => setNamesStage(built.preset, set))) {
      throw unknownStage(set, builds.flatMap(({ built }) => built.preset.map((s) => s.id)));
    }
  }
  for (const { all, built } of builds) {
    const kept = keptKeys((await plan(dag, all, store, built)).stages, workKeys);
    for (const key of kept.entries) reachable.add(key);
    for (const key of kept.work) reachableWork.add(key);
  }
  const lock = o.yes
    ? await acquireLock(store.out, { command: "gc", wait: o.wait, onWait: waitNote(store.out) })
    : null;
  try {
    const { entries, work, freed, listed } = await collectGarbage(
      store,
      reachable,
      o.yes,
      say,
      reachableWork,
    );
    const folders = work > 0 ? ` and ${counted(work, "work folder")} (checkpoints)` : "";
    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
    // a file also linked from a kept entry or from out/ (a published figure) frees nothing
    const shared = listed > freed
      ? ` (of ${mib(listed)} listed: files also linked from elsewhere free nothing)`
      : "";
    say(
      entries + work === 0
        ? "nothing unreachable: every cache entry and checkpoint is kept"
        : o.yes
        ? `${counted(entries, "entry", "entries")}${folders} deleted, ${mib(freed)} freed${shared}`
        : `${counted(entries, "entry", "entries")}${folders} unreachable, ${
          mib(freed)
        } to free${shared} (run gc --yes to delete)`,
    );
  } finally {
    lock?.release();
  }
  return 0;
}

async function main(args: string[]): Promise<number> {
  // a bare `deno task pipeline` shows what it can do instead of starting hours of default runs
  if (args.length === 0) {
    say(USAGE);
    return 2;
  }
  const o = parseCli(args);
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    return await command(o);
  } catch (e) {
    throw commandHint(e, o);
  }
}

async function command(o: CliOptions): Promise<number> {
  // verify and gc look after an existing out/ (verify and gc --yes change it: lock, quarantine,
  // deletions); run writes one; the others only read it
  const use: OutDirUse = o.command === "verify" || (o.command === "gc" && o.yes)
    ? "change"
    : o.command === "gc"
    ? "exist"
    : o.command === "run" && !o.dryRun
    ? "write"
    : "read";
  await checkOutDir(o.out, "--out", use);
  const store = new Store(o.out);
  if (o.command === "verify") {
    using _lock = await acquireLock(store.out, {
      command: "verify",
      wait: o.wait,
      onWait: waitNote(store.out),
    });
    const { ok, legacy, bad, leftovers } = await verifyStore(store, say);
    const removed = leftovers > 0
      ? `; ${counted(leftovers, "leftover")} of interrupted runs removed`
      : "";
    // a run adopts the format-1 entries its plan still names; gc deletes the others
    const old = legacy > 0 ? ` (${legacy} of format ${LEGACY_FORMAT})` : "";
    say(`${counted(ok, "entry", "entries")} intact${old}, ${bad} corrupt${removed}`);
    return bad > 0 ? 1 : 0;
  }
  const dag = await loadDag(o.dag);
  if (o.command === "gc") return await gcCommand(dag, o, store);
  if (o.command === "dag") return await dagCommand(dag, o, store);
  if (o.command === "show") return await showCommand(dag, o, store);
  if (o.command === "diff") return await diffCommand(dag, o, store);
  if (o.command === "config") {
    // checked as for run: a value the runs cannot take exits 2 here too
    const { config } = buildDag(dag, o, []);
    if (config === undefined) {
      throw new UsageError(
        `Expected the DAG module to export config(), but "${fileURLToPath(dag.url)}" exports none`,
      );
    }
    console.log(formatConfig(config));
    return 0;
  }
  if (o.command === "key") {
    const { stages } = await plan(dag, o, store);
    console.log(hashJson(stages.filter((p) => p.selected).map((p) => p.key)));
    return 0;
  }
  return await runCommand(dag, o, store);
}

if (import.meta.main) {
  let code: number;
  try {
    code = await main(Deno.args);
  } catch (e) {
    if (e instanceof UsageError) {
      say(`error: ${e.message}`);
      code = 2;
    } else if (e instanceof LockBusyError) {
      say(`error: ${e.message}`);
      code = 1;
    } else throw e;
  }
  Deno.exit(code);
}
