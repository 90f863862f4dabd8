/** Load a DAG module, validate scale and EP, build it and apply overrides. */
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { UsageError } from "./errors.ts";
import { applySets } from "./overrides.ts";
import type { BuildOptions, DagModule, PipelineDef, Stage } from "./stage.ts";

export interface LoadedDag {
  /** file: URL of the DAG module. */
  url: string;
  /** Directory holding the deno.json that governs the module. */
  root: string;
  mod: DagModule;
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

/** Import the DAG module at `path`, checking that it exports what a DAG module must. */
export async function loadDag(path: string): Promise<LoadedDag> {
  const abs = resolve(path);
  try {
    Deno.statSync(abs);
  } catch {
    throw new UsageError(`Expected --dag to name a module file but "${path}" does not exist`);
  }
  const url = pathToFileURL(abs).href;
  const mod = (await import(url)) as DagModule;
  if (typeof mod.pipeline !== "function" || !Array.isArray(mod.scales) || !Array.isArray(mod.eps)) {
    throw new UsageError(`Expected "${path}" to export pipeline(), scales and eps`);
  }
  return { url, root: findRoot(abs), mod };
}

/**
 * Check scale and EP names against the module, build the DAG and apply `--set` overrides;
 * `preset` holds the stages as the scale defines them, before the overrides.
 */
export function buildDag(
  dag: LoadedDag,
  choice: { scale?: string; ep?: string },
  sets: string[],
): { build: BuildOptions; def: PipelineDef; preset: Stage[] } {
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
  const def = dag.mod.pipeline(build);
  return { build, def: { ...def, stages: applySets(def.stages, sets) }, preset: def.stages };
}
