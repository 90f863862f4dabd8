/** What every collector stage does with its inputs and its result: read runs, write a summary. */

/** The `run.json` of every input of a collector, in input order. */
export async function readRuns<T>(inputs: Readonly<Record<string, string>>): Promise<T[]> {
  const runs: T[] = [];
  for (const dir of Object.values(inputs)) {
    runs.push(JSON.parse(await Deno.readTextFile(`${dir}/run.json`)));
  }
  return runs;
}

/** Writes a stage's `summary.json` (indented, newline-terminated), which the report reads. */
export async function writeSummary(outDir: string, summary: unknown): Promise<void> {
  await Deno.writeTextFile(`${outDir}/summary.json`, JSON.stringify(summary, null, 2) + "\n");
}
