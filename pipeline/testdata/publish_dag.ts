// A DAG whose stages publish what PUBLISH_DAG_PATHS names (comma-separated, one path per stage),
// which planning must reject with exit code 2 where two stages publish one path or a path leaves
// out/.
import type { Stage } from "../stage.ts";

export const scales = ["default"];
export const defaultScale = "default";
export const eps = ["cpu"];

const stage = (id: string, path: string): Stage => ({
  id,
  module: import.meta.url,
  params: {},
  inputs: {},
  resources: { device: "cpu", threads: 1, memoryMiB: 64 },
  publish: [path],
  description: id,
  run: async () => {},
});

export function pipeline() {
  const paths = (Deno.env.get("PUBLISH_DAG_PATHS") ?? "a,b").split(",");
  return { stages: paths.map((p, i) => stage(`s${i}`, p)), targets: {} };
}
