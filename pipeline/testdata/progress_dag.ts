// A DAG of one stage that reports progress in a burst, 1 to TOTAL within a few milliseconds, for
// the worker's progress throttle test.
import type { Stage } from "../stage.ts";

export const scales = ["default"];
export const defaultScale = "default";
export const eps = ["cpu"];

export const TOTAL = 1000;

const burst: Stage = {
  id: "burst",
  module: import.meta.url,
  params: {},
  inputs: {},
  resources: { device: "cpu", threads: 1, memoryMiB: 64 },
  publish: [],
  description: "reports progress in a burst",
  run: (ctx) => {
    for (let done = 1; done <= TOTAL; done++) ctx.progress({ done, total: TOTAL, unit: "steps" });
    ctx.log("burst over");
    return Promise.resolve();
  },
};

export function pipeline() {
  return { stages: [burst], targets: {} };
}
