/** Stage declarations: what a stage is, what it may do, and what the runner gives it. */
import type { Json } from "./hash.ts";

/** Parameters of a stage: a JSON object. They enter the cache key. */
export type Params = { [key: string]: Json };

/**
 * Scheduling hints. They do not enter the cache key as values; they are written in the stage's
 * module, whose code is fingerprinted, so changing one reruns the stage.
 */
export interface Resources {
  /** Where the stage wants to run. */
  device: "cpu" | "gpu";
  /**
   * CPU threads the stage computes with (`StageContext.threads`). The runner counts them against
   * `--jobs`; a stage wider than `--jobs` runs alone, with all of them, so that `--jobs` never
   * changes results (ONNX Runtime's float32 results can depend on its thread count).
   */
  threads: number;
  /** Peak memory the stage expects, in MiB. */
  memoryMiB: number;
}

/** Live progress of long work inside a stage (training steps, bytes downloaded). */
export interface Progress {
  done: number;
  total: number;
  /** What is counted, e.g. "steps" or "bytes". */
  unit?: string;
}

/** What `run` receives. */
export interface StageContext<P extends Params = Params> {
  id: string;
  params: P;
  /** Directory of each declared input's outputs (read-only). */
  inputs: Record<string, string>;
  /** Fresh, empty directory to write outputs into; it becomes the cache entry on success. */
  outDir: string;
  /** Scratch directory kept across interrupted attempts of this key (checkpoints); removed on success. */
  workDir: string;
  /** CPU threads the stage computes with: its `resources.threads`, whatever `--jobs` is. */
  threads: number;
  /** Report progress; the runner draws a bar with ETA. */
  progress(p: Progress): void;
  /** A line for the stage's log. */
  log(message: string): void;
}

/** A stage as declared. */
export interface Stage<P extends Params = Params> {
  id: string;
  /** URL of the module that declares the stage (`import.meta.url`): its import closure is fingerprinted. */
  module: string;
  params: P;
  /** Named inputs: other stages (or their ids). Their cache keys enter this stage's key. */
  inputs: Record<string, Stage | string>;
  resources: Resources;
  /** Paths inside the output directory that are mirrored under `out/` after a run. */
  publish: string[];
  /** One line on what the stage does, for listings; not part of the key. */
  description: string;
  run(ctx: StageContext<P>): Promise<void>;
}

/** A stage declaration as written: resources, inputs and publish are optional. */
export interface StageSpec<P extends Params> {
  id: string;
  module: string;
  params: P;
  inputs?: Record<string, Stage | string>;
  resources?: Partial<Resources>;
  publish?: string[];
  description?: string;
  run(ctx: StageContext<P>): Promise<void>;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * Declare a stage.
 *
 * @example
 * ```ts
 * import { defineStage } from "./stage.ts";
 * const hello = defineStage({
 *   id: "hello",
 *   module: import.meta.url,
 *   params: { name: "world" },
 *   run: async (ctx) => {
 *     await Deno.writeTextFile(`${ctx.outDir}/hello.txt`, `hello ${ctx.params.name}\n`);
 *   },
 * });
 * ```
 */
export function defineStage<P extends Params>(spec: StageSpec<P>): Stage<P> {
  if (!ID_PATTERN.test(spec.id)) {
    throw new TypeError(
      `Expected a stage id of lowercase letters, digits, ".", "_" or "-" but found "${spec.id}"`,
    );
  }
  if (!spec.module.startsWith("file:")) {
    throw new TypeError(
      `Expected stage "${spec.id}" to give its module as a file: URL (import.meta.url) but found "${spec.module}"`,
    );
  }
  return {
    id: spec.id,
    module: spec.module,
    params: spec.params,
    inputs: spec.inputs ?? {},
    resources: { device: "cpu", threads: 1, memoryMiB: 512, ...spec.resources },
    publish: spec.publish ?? [],
    description: spec.description ?? "",
    run: spec.run as Stage["run"],
  } as Stage<P>;
}

/** Options a pipeline factory receives; they select presets, nothing else. */
export interface BuildOptions {
  scale: string;
  ep: string;
}

/** What a DAG module exports as `pipeline`. */
export interface PipelineDef {
  stages: Stage[];
  /** Named targets for `--only`, e.g. `figure3`: each lists stage ids (their ancestors come along). */
  targets: Record<string, string[]>;
}

/** A DAG module: its `scales` and `eps` are validated before `pipeline` is called. */
export interface DagModule {
  scales: readonly string[];
  defaultScale: string;
  eps: readonly string[];
  pipeline(options: BuildOptions): PipelineDef;
}
