/** Load a DAG module, validate scale and EP, build it and apply overrides. */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { stripVTControlCharacters } from "node:util";
import {
  applyConfig,
  checkConfigValues,
  type ConfigurableDag,
  type DagConfig,
  shorten,
} from "./dag_config.ts";
import { UsageError } from "./errors.ts";
import { applySets } from "./overrides.ts";
import type { BuildOptions, PipelineDef, Stage } from "./stage.ts";

/** A stage param that a check found wrong, and what it expected instead ("a positive integer"). */
export interface ParamProblem {
  param: string;
  expected: string;
}

/**
 * What a DAG module may export as `checkParams`: the problems with a stage's params after `--set`
 * (none when they are valid), given the stage as the module built it (`preset`). It runs before
 * anything is planned or waited for, so a value the stage cannot take is a usage error at once,
 * not a failure an hour into a run.
 */
export type CheckParams = (stage: Stage, preset: Stage) => ParamProblem[];

export interface LoadedDag {
  /** file: URL of the DAG module. */
  url: string;
  /** Directory holding the deno.json that governs the module. */
  root: string;
  mod: ConfigurableDag & { checkParams?: CheckParams };
}

function findRoot(path: string): string {
  for (let dir = dirname(path);; dir = dirname(dir)) {
    try {
      Deno.statSync(join(dir, "deno.json"));
      return dir;
    } catch { /* keep looking upward */ }
    if (dirname(dir) === dir) throw new UsageError(`Found no deno.json above "${path}"`);
  }
}

/**
 * What went wrong importing a module: the error with the places in the DAG's code it came from
 * (a syntax error or a missing module names its file, line and column; an exception thrown while
 * the modules load lists its stack), without the engine's own frames or colour codes.
 */
function importFailure(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  // the engine's frames are those of the modules that call loadDag: main.ts and this one
  const engine = ["main.ts", "load.ts"].map((f) => `${new URL(f, import.meta.url).href}:`);
  const ours = (line: string) => /^\s+at /.test(line) && engine.some((f) => line.includes(f));
  return stripVTControlCharacters(e.stack ?? `${e.name}: ${e.message}`)
    .split("\n")
    .filter((line) => !ours(line))
    .join("\n");
}

/** Import the DAG module at `path`, checking that it exports what a DAG module must. */
export async function loadDag(path: string): Promise<LoadedDag> {
  const abs = resolve(path);
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(abs);
  } catch {
    throw new UsageError(`Expected --dag to name a module file but "${path}" does not exist`);
  }
  if (!info.isFile || !/\.(ts|mts|tsx|js|mjs|jsx)$/.test(abs)) {
    throw new UsageError(
      `Expected --dag to name a TypeScript or JavaScript module file but "${path}" is not one`,
    );
  }
  const url = pathToFileURL(abs).href;
  let mod: ConfigurableDag;
  try {
    mod = (await import(url)) as ConfigurableDag;
  } catch (e) {
    throw new UsageError(
      `Expected --dag "${path}" to load but importing it failed: ${importFailure(e)}`,
    );
  }
  if (typeof mod.pipeline !== "function" || !Array.isArray(mod.scales) || !Array.isArray(mod.eps)) {
    throw new UsageError(`Expected "${path}" to export pipeline(), scales and eps`);
  }
  for (const name of ["checkParams", "config", "checkConfig"]) {
    const value = (mod as unknown as Record<string, unknown>)[name];
    if (value !== undefined && typeof value !== "function") {
      throw new UsageError(`Expected "${path}" to export ${name} as a function if at all`);
    }
  }
  if (mod.checkConfig && !mod.config) {
    throw new UsageError(`Expected "${path}" to export config() as it exports checkConfig`);
  }
  return { url, root: findRoot(abs), mod };
}

/** A DAG as built for a command line. */
export interface BuiltDag {
  build: BuildOptions;
  /** The module's config with the `--config` overrides applied; undefined if it exports none. */
  config?: DagConfig;
  def: PipelineDef;
  /** The stages as the scale and config define them, before `--set`. */
  preset: Stage[];
}

/**
 * Check scale and EP names against the module, apply `--config` overrides (`choice.config`) to
 * its config and check them with its `checkConfig` (always: a config it refuses may not even make
 * a DAG), build the DAG, apply `--set` overrides and check the stages' params with the module's
 * `checkParams` (unless `options.checkParams` is false).
 */
export function buildDag(
  dag: LoadedDag,
  choice: { scale?: string; ep?: string; config?: readonly string[] },
  sets: string[],
  options: { checkParams?: boolean; skipUnknownStages?: boolean } = {},
): BuiltDag {
  const scale = choice.scale ?? dag.mod.defaultScale;
  const ep = choice.ep ?? dag.mod.eps[0];
  if (!dag.mod.scales.includes(scale)) {
    throw new UsageError(
      `Expected --scale to be one of ${dag.mod.scales.join(", ")} but found "${scale}"`,
    );
  }
  if (!dag.mod.eps.includes(ep)) {
    throw new UsageError(`Expected --ep to be one of ${dag.mod.eps.join(", ")} but found "${ep}"`);
  }
  const build = { scale, ep };
  const overrides = choice.config ?? [];
  if (!dag.mod.config) {
    if (overrides.length > 0) {
      throw new UsageError(
        `Expected the DAG module to export config() for --config "${overrides[0]}", but ` +
          `"${fileURLToPath(dag.url)}" exports none`,
      );
    }
    const def = dag.mod.pipeline(build);
    return { build, ...withSets(dag, def, sets, options, "as the DAG module sets it") };
  }
  const config = applyConfig(dag.mod.config(scale), overrides);
  if (dag.mod.checkConfig) checkConfigValues(config, dag.mod.checkConfig(config, scale));
  const def = dag.mod.pipeline(build, config);
  const origin = overrides.length === 0
    ? "as the DAG module sets it"
    : `as the DAG module sets it with --config ${overrides.join(" ")}`;
  return { build, config, ...withSets(dag, def, sets, options, origin) };
}

/**
 * `def` with `--set` applied and checked, and its stages before that as `preset`; `origin` says
 * where a param no `--set` changed came from.
 */
function withSets(
  dag: LoadedDag,
  def: PipelineDef,
  sets: string[],
  options: { checkParams?: boolean; skipUnknownStages?: boolean },
  origin: string,
): { def: PipelineDef; preset: Stage[] } {
  const stages = applySets(def.stages, sets, { skipUnknown: options.skipUnknownStages });
  if (dag.mod.checkParams && options.checkParams !== false) {
    checkStageParams(stages, def.stages, dag.mod.checkParams, origin);
  }
  return { def: { ...def, stages }, preset: def.stages };
}

/**
 * Run `check` on every stage against its preset (matched by id) and throw one UsageError listing
 * every problem, each naming the stage and param and, when `--set` changed params of that stage,
 * which ones. The same problem on several stages (a `--set` with `*`) is one line.
 */
export function checkStageParams(
  stages: Stage[],
  preset: Stage[],
  check: CheckParams,
  presetOrigin = "as the DAG module sets it",
): void {
  const byId = new Map(preset.map((s) => [s.id, s]));
  const grouped = new Map<string, { ids: string[]; param: string; tail: string }>();
  for (const stage of stages) {
    const before = byId.get(stage.id) ?? stage;
    const problems = check(stage, before);
    if (problems.length === 0) continue;
    const changed = Object.keys(stage.params).filter((k) =>
      JSON.stringify(stage.params[k]) !== JSON.stringify(before.params[k])
    );
    const origin = changed.length > 0 ? `--set changed ${changed.join(", ")}` : presetOrigin;
    for (const { param, expected } of problems) {
      const found = shorten(JSON.stringify(stage.params[param]));
      const tail = `to be ${expected} but found ${found} (${origin})`;
      const key = JSON.stringify([param, tail]);
      const group = grouped.get(key) ?? { ids: [], param, tail };
      group.ids.push(stage.id);
      grouped.set(key, group);
    }
  }
  const lines = [...grouped.values()].map(({ ids, param, tail }) =>
    ids.length === 1
      ? `Expected ${ids[0]}.${param} ${tail}`
      : `Expected ${param} of ${ids.length} stages (${ids.slice(0, 3).join(", ")}${
        ids.length > 3 ? ", ..." : ""
      }) ${tail}`
  );
  if (lines.length === 1) throw new UsageError(lines[0]);
  if (lines.length > 1) {
    throw new UsageError(
      `${lines.length} kinds of stage params are not valid:\n${
        lines.map((l) => `  ${l}`).join("\n")
      }`,
    );
  }
}
