/**
 * A domain-free engine for DAGs of cached stages: content-hash keys over params, code and inputs;
 * an atomic content-addressed store; explanations of why a stage reruns; a parallel runner.
 *
 * @example
 * ```ts
 * import { defineStage } from "./mod.ts";
 *
 * export const hello = defineStage({
 *   id: "hello",
 *   module: import.meta.url,
 *   params: { name: "world" },
 *   run: async (ctx) => {
 *     await Deno.writeTextFile(`${ctx.outDir}/hello.txt`, `hello ${ctx.params.name}\n`);
 *   },
 * });
 * ```
 *
 * @module
 */
export { defineStage } from "./stage.ts";
export type {
  BuildOptions,
  DagModule,
  Params,
  PipelineDef,
  Progress,
  Resources,
  Stage,
  StageContext,
  StageSpec,
} from "./stage.ts";
export type { Json } from "./hash.ts";
