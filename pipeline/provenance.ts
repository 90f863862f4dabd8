/** Tool versions and the run manifest `out/manifest.json`. */
import { join } from "node:path";
import { writeFileAtomic } from "./fs.ts";
import type { PlannedStage } from "./plan.ts";
import type { StageResult } from "./run.ts";
import type { BuildOptions } from "./stage.ts";

const PINNED = ["onnxruntime-node", "onnx-proto", "vega", "vega-lite", "@resvg/resvg-js"];

/** Versions of Deno and of the pinned packages that shape results, read from deno.json. */
export function toolVersions(root: string): Record<string, string> {
  const imports: Record<string, string> =
    JSON.parse(Deno.readTextFileSync(join(root, "deno.json"))).imports ?? {};
  const tools: Record<string, string> = { deno: Deno.version.deno, v8: Deno.version.v8 };
  for (const name of PINNED) {
    const spec = imports[name];
    const m = spec?.match(/@(\d[^/]*)$/);
    if (m) tools[name] = m[1];
  }
  return tools;
}

/** Write `out/manifest.json`: every stage of the DAG with key, params, inputs and what happened. */
export async function writeRunManifest(
  out: string,
  plan: PlannedStage[],
  results: Map<string, StageResult>,
  info: { dag: string; build: BuildOptions; tools: Record<string, string>; startedAt: string },
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
    startedAt: info.startedAt,
    endedAt: new Date().toISOString(),
    tools: info.tools,
    stages,
  };
  await writeFileAtomic(join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
}
