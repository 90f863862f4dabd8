/** Tool versions and the run manifest `out/manifest.json`. */
import { join } from "node:path";
import { writeFileAtomic } from "./fs.ts";
import type { PlannedStage } from "./plan.ts";
import type { StageResult } from "./run.ts";
import type { DagConfig } from "./dag_config.ts";
import type { BuildOptions } from "./stage.ts";

const PINNED = ["onnxruntime-node", "onnx-proto", "vega", "vega-lite", "@resvg/resvg-js"];

/** Vector extensions that select ONNX Runtime's CPU kernels (MLAS), reported in this order. */
const SIMD = ["avx", "avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "asimd", "sve"];

/**
 * The CPU model, its family/model numbers (which tell CPU generations apart where a virtual
 * machine shows only the vendor's line, such as "AMD EPYC") and the vector extensions MLAS
 * dispatches on, from a Linux /proc/cpuinfo text; empty elsewhere. float32 results depend on them
 * in their last bits (kernel choice, and the NCHWc block width of the training sessions: 16 with
 * avx512f, 8 with avx2).
 */
export function cpuFeatures(cpuinfo: string): Record<string, string> {
  const field = (name: string) =>
    cpuinfo.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, "m"))?.[1].trim();
  const name = field("model name");
  const [family, model] = [field("cpu family"), field("model")];
  const flags = new Set((field("flags") ?? field("Features") ?? "").split(/\s+/));
  const simd = SIMD.filter((f) => flags.has(f));
  return {
    ...(name ? { cpu: name } : {}),
    ...(family && model ? { "cpu-family-model": `${family}/${model}` } : {}),
    ...(simd.length > 0 ? { "cpu-simd": simd.join(" ") } : {}),
  };
}

function readCpuinfo(): string {
  try {
    return Deno.readTextFileSync("/proc/cpuinfo");
  } catch {
    return "";
  }
}

/**
 * Versions of Deno and of the pinned packages that shape results, read from deno.json, and the
 * CPU's model and vector extensions (`cpuFeatures`).
 */
export function toolVersions(root: string, cpuinfo = readCpuinfo()): Record<string, string> {
  const imports: Record<string, string> =
    JSON.parse(Deno.readTextFileSync(join(root, "deno.json"))).imports ?? {};
  const tools: Record<string, string> = { deno: Deno.version.deno, v8: Deno.version.v8 };
  for (const name of PINNED) {
    const spec = imports[name];
    const m = spec?.match(/@(\d[^/]*)$/);
    if (m) tools[name] = m[1];
  }
  return { ...tools, ...cpuFeatures(cpuinfo) };
}

/** Write `out/manifest.json`: every stage of the DAG with key, params, inputs and what happened. */
export async function writeRunManifest(
  out: string,
  plan: PlannedStage[],
  results: Map<string, StageResult>,
  info: {
    dag: string;
    build: BuildOptions;
    /** The DAG module's config as built (if it has one), and the `--config` overrides given. */
    config?: DagConfig;
    overrides?: readonly string[];
    tools: Record<string, string>;
    startedAt: string;
  },
): Promise<void> {
  const stages = plan.map((p) => {
    const r = results.get(p.stage.id);
    return {
      id: p.stage.id,
      key: p.key,
      params: p.stage.params,
      inputs: Object.fromEntries(
        Object.entries(p.inputIds).map(([n, id]) => [n, { stage: id, key: p.material.inputs[n] }]),
      ),
      status: r?.outcome ?? "not-selected",
      reason: p.reason,
      ...(r?.startedAt ? { startedAt: r.startedAt } : {}),
      ...(r?.durationMs !== undefined ? { durationMs: r.durationMs } : {}),
      ...(r?.detail ? { detail: r.detail } : {}),
      resources: p.stage.resources,
    };
  });
  const manifest = {
    dag: info.dag,
    scale: info.build.scale,
    ep: info.build.ep,
    ...(info.config === undefined ? {} : { config: info.config }),
    ...(info.overrides?.length ? { configOverrides: info.overrides } : {}),
    startedAt: info.startedAt,
    endedAt: new Date().toISOString(),
    tools: info.tools,
    stages,
  };
  await writeFileAtomic(join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
}
