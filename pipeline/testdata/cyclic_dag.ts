// A DAG with a cycle (a -> b -> a), which planning must reject with exit code 2.
import type { Stage } from "../stage.ts";

export const scales = ["default"];
export const defaultScale = "default";
export const eps = ["cpu"];

const stage = (id: string, input: string): Stage => ({
  id,
  module: import.meta.url,
  params: {},
  inputs: { x: input },
  resources: { device: "cpu", threads: 1, memoryMiB: 64 },
  publish: [],
  description: id,
  run: async () => {},
});

export function pipeline() {
  return { stages: [stage("a", "b"), stage("b", "a"), stage("c", "a")], targets: {} };
}
