// Test helper: runs a collector stage in-process on hand-written run.json files, each in its own
// input folder, and returns its output folder (under `root`) and a reader of its figures' CSVs.
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { Params, Stage } from "../../pipeline/mod.ts";

export async function runCollector<P extends Params>(
  stage: Stage<P>,
  runs: readonly unknown[],
  root: string,
): Promise<{ outDir: string; csv(name: string): Record<string, string>[] }> {
  const inputs: Record<string, string> = {};
  for (const [i, run] of runs.entries()) {
    inputs[`run${i}`] = join(root, `run${i}`);
    await Deno.mkdir(inputs[`run${i}`]);
    await Deno.writeTextFile(join(inputs[`run${i}`], "run.json"), JSON.stringify(run));
  }
  const outDir = join(root, "out");
  await Deno.mkdir(outDir);
  await stage.run({
    id: stage.id,
    params: stage.params,
    inputs,
    outDir,
    workDir: join(root, "work"),
    threads: 1,
    progress: () => {},
    log: () => {},
  });
  return {
    outDir,
    csv: (name) =>
      parse(Deno.readTextFileSync(join(outDir, "figures", `${name}.csv`)), { columns: true }),
  };
}
