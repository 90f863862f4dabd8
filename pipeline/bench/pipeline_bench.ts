/**
 * `deno task bench:pipeline`: the engine's overheads, side by side in one run.
 *   1. planning a synthetic 1,000-stage DAG (in process: load, key, check the store)
 *   2. a no-op rerun of that DAG through the CLI (Deno start-up included) vs `make -q` on an
 *      equivalent 1,000-target Makefile
 *   3. a no-op rerun of the project's DAG at a scale (default smoke) vs `make -q` of the same size;
 *      builds the scale first, in out/bench/dag-SCALE/ (not out/, whose figures and report it
 *      would replace), if that folder lacks it, taking what out/cache holds as hard links.
 * Prints a table and writes out/bench/pipeline.json.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Store } from "../cache.ts";
import { CodeHasher } from "../code_hash.ts";
import { UsageError } from "../errors.ts";
import { writeFileAtomic } from "../fs.ts";
import { buildDag, loadDag } from "../load.ts";
import { acquireLock } from "../lock.ts";
import { planRun } from "../plan.ts";
import { toolVersions } from "../provenance.ts";
import { publish } from "../publish.ts";
import { writeSyntheticDag } from "./synthetic_dag.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const STAGE = fileURLToPath(new URL("../stage.ts", import.meta.url));
const REPEATS = 7;
const USAGE = "Usage: deno task bench:pipeline [--scale smoke|default|paper]";

/** The project DAG's scale to time a no-op run of (default smoke); throws UsageError. */
export function parseBenchArgs(args: readonly string[], scales: readonly string[]): string {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: { scale: { type: "string" } } });
  } catch (cause) {
    throw new UsageError((cause as Error).message);
  }
  const scale = parsed.values.scale ?? "smoke";
  if (!scales.includes(scale)) {
    throw new UsageError(`Expected --scale to be one of ${scales.join(", ")} but found "${scale}"`);
  }
  return scale;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn: () => Promise<void>, repeats = REPEATS): Promise<number> {
  await fn(); // warm-up: module cache, page cache
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

/** The commands running now, stopped first when the bench is interrupted. */
const running = new Set<Deno.ChildProcess>();

/**
 * Run a command to completion; its stderr is kept for the error message, or, with `show`, goes to
 * the bench's own stderr (progress of a long build).
 */
async function exec(
  cmd: string,
  args: string[],
  cwd?: string,
  okCodes = [0],
  show = false,
): Promise<void> {
  const stderr = show ? "inherit" : "piped";
  const child = new Deno.Command(cmd, { args, cwd, stdout: "null", stderr }).spawn();
  running.add(child);
  const r = await child.output().finally(() => running.delete(child));
  if (!okCodes.includes(r.code)) {
    const said = show ? "(its output is above)" : new TextDecoder().decode(r.stderr);
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}: ${said}`);
  }
}

/**
 * Give `to` the valid entries of `from` among `keys` that it lacks (or holds corrupt), as hard
 * links (an entry is never changed in place, so sharing its files is safe), each built in `to`'s
 * temporary folder and renamed into place under `to`'s lock, with its index record; returns how
 * many. So the bench's own folder need not recompute what out/ already holds (hours at the
 * default scale).
 */
export async function seedEntries(
  from: Store,
  to: Store,
  keys: readonly string[],
): Promise<number> {
  using _lock = await acquireLock(to.out, {
    command: "bench:pipeline",
    wait: true,
    onWait: (holder) => console.error(`Waiting for ${to.out} held by ${holder}...`),
  });
  let n = 0;
  for (const key of keys) {
    const [have, source] = [await to.check(key), await from.check(key)];
    if (have.state === "valid" || source.state !== "valid") continue;
    const tmp = join(to.tmpDir, `${key}.seed-${Deno.pid}`);
    await publish(from.entryDir(key), ["manifest.json", "files"], tmp);
    if (have.state === "corrupt") await to.remove(key);
    await Deno.rename(tmp, to.entryDir(key));
    const { material, endedAt } = source.manifest;
    await to.writeIndex(material.id, { key, material, builtAt: endedAt });
    n++;
  }
  return n;
}

async function main(args: string[]): Promise<void> {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const scale = parseBenchArgs(args, (await loadDag(join(root, "stages/mod.ts"))).mod.scales);
  const dir = await Deno.makeTempDir({ prefix: "bench-dag-" });
  const small = await Deno.makeTempDir({ prefix: "bench-make-" });
  // Ctrl-C or a kill stops the bench, and the commands it runs (which write into its scratch
  // folders), and removes those folders (25 MB)
  const interrupted = (signal: Deno.Signal, code: number) => async () => {
    for (const child of running) child.kill("SIGTERM");
    await Promise.allSettled([...running].map((child) => child.status));
    for (const d of [dir, small]) await Deno.remove(d, { recursive: true }).catch(() => {});
    console.error(`bench:pipeline stopped by ${signal}; its temporary folders are removed`);
    Deno.exit(code);
  };
  const handlers = [["SIGINT", 130], ["SIGTERM", 143]].map(([s, code]) => {
    const h = interrupted(s as Deno.Signal, code as number);
    Deno.addSignalListener(s as Deno.Signal, h);
    return [s as Deno.Signal, h] as const;
  });
  try {
    const deno = Deno.execPath();
    const rows: { what: string; ms: number; target?: number }[] = [];

    await writeSyntheticDag(dir, 1000, STAGE);
    const dag = await loadDag(join(dir, "dag.ts"));
    const store = new Store(join(dir, "out"));
    const planSynthetic = async () => {
      const { def } = buildDag(dag, {}, []);
      await planRun(def, store, new CodeHasher(dag.root));
    };
    rows.push({
      what: "plan 1,000-stage DAG, nothing cached (in process)",
      ms: await time(planSynthetic),
      target: 500,
    });
    const cli = ["run", "-A", MAIN, "run", "--dag", join(dir, "dag.ts"), "--out", join(dir, "out")];
    console.error("building the synthetic DAG once (1,000 worker processes)...");
    await exec(deno, cli);
    rows.push({
      what: "plan 1,000-stage DAG, all cached (in process)",
      ms: await time(planSynthetic),
      target: 500,
    });
    rows.push({
      what: "no-op run of 1,000-stage DAG (deno run main.ts)",
      ms: await time(() => exec(deno, cli)),
    });
    await exec("make", ["-s", "-j2"], dir);
    rows.push({
      what: "make -q on an equivalent 1,000-target Makefile",
      ms: await time(() => exec("make", ["-q"], dir)),
    });

    // its own output folder: building the scale into out/ would publish that scale's figures and
    // report over the ones out/ holds (a default-scale report replaced by the smoke one)
    const projectOut = join(root, "out", "bench", `dag-${scale}`);
    const project = [
      "run",
      "-A",
      MAIN,
      "run",
      "--dag",
      join(root, "stages/mod.ts"),
      "--scale",
      scale,
      "--out",
      projectOut,
    ];
    const planJson = async (): Promise<{ stages: { key: string }[] }> =>
      JSON.parse(
        new TextDecoder().decode(
          (await new Deno.Command(deno, { args: [...project, "--dry-run", "--json"], cwd: root })
            .output()).stdout,
        ),
      );
    const seeded = await seedEntries(
      new Store(join(root, "out")),
      new Store(projectOut),
      (await planJson()).stages.map((s) => s.key),
    );
    console.error(
      `making sure the ${scale} scale of the project DAG is built in ${projectOut} (${seeded} ` +
        `entries linked from out/cache)...`,
    );
    await exec(deno, project, root, [0], true); // the run's own progress lines
    const plan = await planJson();
    const n = plan.stages.length;
    rows.push({
      what: `no-op run of the project DAG, ${n} stages, scale ${scale} (deno run main.ts)`,
      ms: await time(() => exec(deno, project, root)),
      target: 500,
    });
    rows.push({
      what: `no-op run of the project DAG (deno task reproduce --scale ${scale})`,
      ms: await time(() =>
        exec(deno, ["task", "-q", "reproduce", "--scale", scale, "--out", projectOut], root)
      ),
      target: 500,
    });
    await writeSyntheticDag(small, n, STAGE);
    await exec("make", ["-s"], small);
    rows.push({
      what: `make -q on an equivalent ${n}-target Makefile`,
      ms: await time(() => exec("make", ["-q"], small)),
    });
    rows.push({
      what: 'deno eval "0" (start-up floor)',
      ms: await time(() => exec(deno, ["eval", "0"])),
    });

    // the machine as the run manifest records it (CPU model, family/model, vector extensions)
    const tools = toolVersions(root);
    const cpu = [
      tools.cpu,
      tools["cpu-family-model"] && `family/model ${tools["cpu-family-model"]}`,
    ]
      .filter(Boolean).join(", ");
    console.log(
      `\npipeline benchmark, ${new Date().toISOString().slice(0, 10)}, ${
        cpu ? `${cpu}, ` : ""
      }${navigator.hardwareConcurrency} cores, deno ${Deno.version.deno}, median of ${REPEATS}`,
    );
    for (const r of rows) {
      const verdict = r.target === undefined
        ? ""
        : r.ms <= r.target
        ? `  (target <= ${r.target} ms: met)`
        : `  (target <= ${r.target} ms: MISSED)`;
      console.log(`${r.ms.toFixed(0).padStart(7)} ms  ${r.what}${verdict}`);
    }
    await writeFileAtomic(
      join(root, "out", "bench", "pipeline.json"),
      JSON.stringify(
        {
          date: new Date().toISOString(),
          deno: Deno.version.deno,
          cores: navigator.hardwareConcurrency,
          tools,
          rows,
        },
        null,
        2,
      ) + "\n",
    );
  } finally {
    for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(small, { recursive: true });
  }
}

if (import.meta.main) {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(USAGE);
  } else {
    try {
      await main(Deno.args);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      console.error(`error: ${e.message}\n${USAGE}`);
      Deno.exit(2);
    }
  }
}
