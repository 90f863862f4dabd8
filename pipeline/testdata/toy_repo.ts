// Test helper: a throw-away repository holding the toy DAG, and the engine run as a subprocess.
import { join } from "node:path";
import type { Store } from "../cache.ts";
import type { PlannedStage } from "../plan.ts";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const STAGE = fileURLToPath(new URL("../stage.ts", import.meta.url));
const TOY = fileURLToPath(new URL("./toy/", import.meta.url));

export interface ToyRepo {
  root: string;
  out: string;
  counters: string;
  run(args: string[], env?: Record<string, string>): Promise<EngineResult>;
  spawn(args: string[], env?: Record<string, string>): Deno.ChildProcess;
  /** How many times each stage's run() was entered. */
  runs(): Promise<Record<string, number>>;
  plan(args?: string[]): Promise<PlanRow[]>;
  dispose(): Promise<void>;
}

/** One stage of `run --dry-run --json`. */
export interface PlanRow {
  id: string;
  key: string;
  status: string;
  reason: string;
  estimateMs?: number;
}

export interface EngineResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Copy the toy DAG into a fresh temporary repository. */
export async function makeToyRepo(): Promise<ToyRepo> {
  const root = await Deno.makeTempDir({ prefix: "toy-repo-" });
  for (const name of ["dag.ts", "helper.ts", "unrelated.ts"]) {
    const text = await Deno.readTextFile(join(TOY, name));
    await Deno.writeTextFile(
      join(root, name),
      text.replace('"../../stage.ts"', JSON.stringify(STAGE)),
    );
  }
  await Deno.writeTextFile(join(root, "deno.json"), "{}\n");
  const counters = join(root, "counters");
  await Deno.mkdir(counters);
  const out = join(root, "out");
  const command = (args: string[], env: Record<string, string>) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, ...args, "--dag", join(root, "dag.ts"), "--out", out],
      env: { TOY_COUNTER_DIR: counters, NO_COLOR: "1", ...env },
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    });
  const repo: ToyRepo = {
    root,
    out,
    counters,
    async run(args, env = {}) {
      const r = await command(args, env).output();
      const dec = new TextDecoder();
      return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
    },
    spawn: (args, env = {}) => command(args, env).spawn(),
    async runs() {
      const counts: Record<string, number> = {};
      for await (const e of Deno.readDir(counters)) {
        counts[e.name] = (await Deno.readTextFile(join(counters, e.name))).length;
      }
      return counts;
    },
    async plan(args = []) {
      const r = await repo.run(["run", "--dry-run", "--json", ...args]);
      if (r.code !== 0) throw new Error(`dry run failed (${r.code}): ${r.stderr}`);
      return JSON.parse(r.stdout).stages;
    },
    async dispose() {
      await Deno.remove(root, { recursive: true });
    },
  };
  return repo;
}

/** Polls `check` every 25 ms until it holds; throws naming `what` after `ms`. */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  ms = 20_000,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Turns the entry of planned stage `p` into the one the cache-format-1 engine would have built:
 * moved to its format-1 key, with that key and the stage's format-1 material in its manifest.
 * Returns the manifest's end time (the build's).
 */
export async function entryToFormat1(store: Store, p: PlannedStage): Promise<string> {
  const manifest = JSON.parse(
    await Deno.readTextFile(join(store.entryDir(p.key), "manifest.json")),
  );
  await Deno.rename(store.entryDir(p.key), store.entryDir(p.legacyKey));
  await Deno.writeTextFile(
    join(store.entryDir(p.legacyKey), "manifest.json"),
    JSON.stringify({ ...manifest, format: 1, key: p.legacyKey, material: p.legacyMaterial }),
  );
  return manifest.endedAt;
}
