/**
 * `deno task graphs`: writes every ONNX graph the DAG's training stages build at a scale (their
 * training steps, evaluation graphs and NTK probes), each distinct graph once, from the same plans
 * the runs use (_run_graphs.ts). `<stage>.<role>.onnx` is named after the first stage, in DAG
 * order, that builds it; `<stage>.<role>.json` beside it lists its inputs and outputs (names,
 * dtypes, shapes), every stage that builds it, the SHA-256 of the ONNX bytes and more.
 *
 *     deno task graphs --out DIR [--scale smoke|default|paper] [--config KEY=VALUE]...
 *                      [--set STAGE.PARAM=VALUE]...
 *
 * The graphs are provider-neutral standard ONNX; the CPU provider rewrites eligible Convs for
 * onnxruntime's NCHWc kernels when it opens one (models/train/provider.ts).
 */
import { parseArgs } from "node:util";
// NOTE: straight from the engine's files, not through pipeline/mod.ts, which every stage imports:
// an export added there would enter every stage's code fingerprint and key
import { UsageError } from "../pipeline/errors.ts";
import { writeFileAtomic } from "../pipeline/fs.ts";
import { sha256Hex } from "../pipeline/hash.ts";
import { applyConfig, checkConfigValues } from "../pipeline/dag_config.ts";
import { checkStageParams } from "../pipeline/load.ts";
import { checkOutDir } from "../pipeline/out_dir.ts";
import { applySets } from "../pipeline/overrides.ts";
import { type Graph, IR_VERSION, OPSET, type ValueInfo } from "../models/onnx/ir.ts";
import { serializeModel } from "../models/onnx/serialize.ts";
import { checkConfig, checkParams, config, defaultScale, pipeline, scales } from "./mod.ts";
import { moduleFile } from "./_params.ts";
import { planGraphs, type RunPlan } from "./_run_graphs.ts";
import { type RunParams, twoLayerPlan } from "./_two_layer_train.ts";
import { type FcnParams, mnistFcnPlan } from "./_mnist_fcn_train.ts";
import { type CifarFcnParams, cifarFcnPlan } from "./_cifar_fcn_train.ts";
import { type ResnetParams, resnetPlan } from "./_resnet_train.ts";
import { linearGdPlan } from "./_linear_gd_onnx.ts";
import type { CaseSpec } from "./_theory_cases.ts";

const USAGE = "Usage: deno task graphs --out DIR [--scale " + scales.join("|") +
  "] [--config KEY=VALUE]... [--set STAGE.PARAM=VALUE]...";

/**
 * The plans of each stage module that trains, keyed by its file name, each with a label that
 * tells a stage's plans apart (theory-vs-gd runs one per case). A module missing here that
 * trains is caught by graphs_main_test.ts, which lists the modules that do not.
 */
export const PLANS: Readonly<
  Record<string, (params: Record<string, unknown>) => { label: string; plan: RunPlan }[]>
> = {
  "theory_vs_gd.ts": (p) =>
    (p.cases as unknown as CaseSpec[]).map((c) => ({
      label: `d${c.d}-gamma${c.gamma}`,
      plan: linearGdPlan(c.d, c.gamma),
    })),
  "two_layer_runs.ts": (p) => [{ label: "", plan: twoLayerPlan(p as RunParams) }],
  "figure2_runs.ts": (p) => [{ label: "", plan: mnistFcnPlan(p as FcnParams) }],
  "cifar_fcn_runs.ts": (p) => [{ label: "", plan: cifarFcnPlan(p as CifarFcnParams) }],
  "figure3_runs.ts": (p) => [{ label: "", plan: resnetPlan(p as ResnetParams) }],
};

/** Options of the graphs command; `help` alone when asked for. */
export type GraphsOptions = { help: true } | {
  help: false;
  out: string;
  scale: string;
  sets: string[];
  /** `--config` overrides of the DAG's config (the experiments' grids), as for the pipeline. */
  config: string[];
};

/** Parses the command line; throws UsageError naming the bad flag or value. */
export function parseGraphsArgs(args: readonly string[]): GraphsOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        out: { type: "string" },
        scale: { type: "string" },
        set: { type: "string", multiple: true },
        config: { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (cause) {
    throw new UsageError((cause as Error).message);
  }
  const v = parsed.values;
  if (v.help) return { help: true };
  if (!v.out) throw new UsageError(`Expected "--out DIR" (the folder to write the graphs into)`);
  const scale = v.scale ?? defaultScale;
  if (!(scales as readonly string[]).includes(scale)) {
    throw new UsageError(`Expected --scale to be one of ${scales.join(", ")} but found "${scale}"`);
  }
  return { help: false, out: v.out, scale, sets: v.set ?? [], config: v.config ?? [] };
}

/** One distinct graph: its file stem, role, batch, the graph, its bytes and every stage that builds it. */
export interface CatalogGraph {
  readonly file: string;
  readonly role: string;
  readonly batch: number;
  readonly graph: Graph;
  readonly bytes: Uint8Array;
  readonly sha256: string;
  readonly usedBy: string[];
}

/**
 * Every distinct graph the DAG's training stages build at `scale` (with the `--config` overrides
 * `options.configs`, after `sets`), in DAG order; `options.progress` is told of each stage.
 * Stages whose module is not in PLANS build none.
 */
export function catalog(
  scale: string,
  sets: string[] = [],
  options: {
    progress?: (done: number, total: number) => void;
    configs?: readonly string[];
  } = {},
): CatalogGraph[] {
  const { progress = () => {}, configs = [] } = options;
  // as `deno task reproduce` builds the DAG and checks its config and params (pipeline/load.ts)
  const grids = applyConfig(config(scale), configs);
  checkConfigValues(grids, checkConfig(grids));
  const preset = pipeline({ scale, ep: "cpu" }, grids).stages;
  const all = applySets(preset, sets);
  const origin = configs.length === 0
    ? undefined
    : `as the DAG module sets it with --config ${configs.join(" ")}`;
  checkStageParams(all, preset, checkParams, origin);
  const stages = all.filter((s) => moduleFile(s) in PLANS);
  const bySha = new Map<string, CatalogGraph>();
  for (const [i, stage] of stages.entries()) {
    const built = (() => {
      try {
        return PLANS[moduleFile(stage)](stage.params).flatMap(({ label, plan }) =>
          planGraphs(plan).map((g) => ({ label, g, graph: g.build() }))
        );
      } catch (e) {
        // a value that passes stages/_params.ts's rules but that the model still rejects
        throw new UsageError(
          `Cannot build the graphs of stage "${stage.id}" with params ${
            JSON.stringify(stage.params)
          }: ${(e as Error).message}`,
        );
      }
    })();
    for (const { label, g, graph } of built) {
      const bytes = serializeModel(graph);
      const sha = sha256Hex(bytes);
      const known = bySha.get(sha);
      if (known) {
        if (!known.usedBy.includes(stage.id)) known.usedBy.push(stage.id);
        continue;
      }
      const role = g.role === "eval"
        ? `eval-b${g.batch}`
        : g.role === "train-chained"
        ? `train-x${g.steps}`
        : g.role;
      bySha.set(sha, {
        file: [stage.id, label, role].filter((x) => x).join("."),
        role: g.role,
        batch: g.batch,
        graph,
        bytes,
        sha256: sha,
        usedBy: [stage.id],
      });
    }
    progress(i + 1, stages.length);
  }
  return [...bySha.values()];
}

const io = (vs: readonly ValueInfo[]) =>
  vs.map((v) => ({ dtype: v.dtype, name: v.name, shape: [...v.shape] }));

/**
 * Writes each graph as `<file>.onnx` and its sidecar `<file>.json` (each atomically),
 * then `index.json` (scale, overrides, files). The files of an earlier index in `dir` that this
 * catalog does not write again are removed, so the folder holds one catalog; other files stay.
 */
export async function writeCatalog(
  dir: string,
  graphs: readonly CatalogGraph[],
  scale: string,
  sets: readonly string[] = [],
  configs: readonly string[] = [],
): Promise<void> {
  const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";
  for (const g of graphs) {
    const sidecar = {
      graph: g.graph.name,
      role: g.role,
      batch: g.batch,
      scale,
      usedBy: g.usedBy,
      inputs: io(g.graph.inputs),
      outputs: io(g.graph.outputs),
      nodes: g.graph.nodes.length,
      opset: OPSET,
      irVersion: IR_VERSION,
      sha256: g.sha256,
    };
    await writeFileAtomic(`${dir}/${g.file}.onnx`, g.bytes);
    await writeFileAtomic(`${dir}/${g.file}.json`, json(sidecar));
  }
  const files = graphs.map((g) => g.file);
  for (const stale of (await previousFiles(dir)).filter((f) => !files.includes(f))) {
    for (const ext of [".onnx", ".json"]) {
      await Deno.remove(`${dir}/${stale}${ext}`).catch(() => {});
    }
  }
  await writeFileAtomic(`${dir}/index.json`, json({ scale, config: configs, sets, files }));
}

/** The files listed by `dir`'s index.json, if it has one (names with a path part are ignored). */
async function previousFiles(dir: string): Promise<string[]> {
  try {
    const files = JSON.parse(await Deno.readTextFile(`${dir}/index.json`)).files;
    return Array.isArray(files)
      ? files.filter((f): f is string => typeof f === "string" && /^[\w.+-]+$/.test(f))
      : [];
  } catch {
    return [];
  }
}

if (import.meta.main) {
  // help wins over a flag that does not parse
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(USAGE);
    Deno.exit(0);
  }
  const stamp = () => new Date().toISOString().slice(11, 19);
  try {
    const opts = parseGraphsArgs(Deno.args);
    if (opts.help) {
      console.log(USAGE);
      Deno.exit(0);
    }
    await checkOutDir(opts.out, "--out", "write"); // before the minutes of building graphs
    const t0 = Date.now();
    const graphs = catalog(opts.scale, opts.sets, {
      progress: (done, total) => {
        if (done === total || done % 25 === 0) {
          console.log(`${stamp()} built the graphs of ${done}/${total} training stages`);
        }
      },
      configs: opts.config,
    });
    await writeCatalog(opts.out, graphs, opts.scale, opts.sets, opts.config);
    const users = graphs.reduce((n, g) => n + g.usedBy.length, 0);
    console.log(
      `Wrote ${graphs.length} distinct graphs (.onnx + .json) of ${opts.scale} scale to ` +
        `${opts.out} (${users} stage-graph uses; ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    );
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`error: ${e.message}\n${USAGE}`);
    Deno.exit(2);
  }
}
