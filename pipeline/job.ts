/** The message between the runner and a stage worker. */
import type { DagConfig } from "./dag_config.ts";
import type { BuildOptions, Params } from "./stage.ts";

/** What the runner sends. */
export interface Job {
  dag: string;
  build: BuildOptions;
  /** The DAG module's config as the runner built the DAG with it (absent if it has none). */
  config?: DagConfig;
  id: string;
  params: Params;
  inputs: Record<string, string>;
  outDir: string;
  workDir: string;
  threads: number;
}

/** Marks a progress line on the worker's stdout. */
export const PROGRESS_MARK = "\x1e";
