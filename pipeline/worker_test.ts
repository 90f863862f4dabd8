import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type Job, PROGRESS_MARK } from "./job.ts";
import type { Progress } from "./stage.ts";
import { TOTAL } from "./testdata/progress_dag.ts";

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
const DAG = new URL("./testdata/progress_dag.ts", import.meta.url).href;

/** Run the worker on one job; returns its exit code, progress reports and other stdout lines. */
async function runWorker(job: Job): Promise<{ code: number; reports: Progress[]; log: string[] }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WORKER],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
  }).spawn();
  const stdin = child.stdin.getWriter();
  await stdin.write(new TextEncoder().encode(JSON.stringify(job) + "\n"));
  const { code, stdout } = await child.output();
  await stdin.close().catch(() => {});
  const lines = new TextDecoder().decode(stdout).split("\n").filter((l) => l !== "");
  return {
    code,
    reports: lines.filter((l) => l.startsWith(PROGRESS_MARK)).map((l) => JSON.parse(l.slice(1))),
    log: lines.filter((l) => !l.startsWith(PROGRESS_MARK)),
  };
}

Deno.test("worker throttles a burst of progress reports but always passes on the last", async () => {
  const dir = await Deno.makeTempDir({ prefix: "worker-" });
  try {
    const { code, reports, log } = await runWorker({
      dag: DAG,
      build: { scale: "default", ep: "cpu" },
      id: "burst",
      params: {},
      inputs: {},
      outDir: dir,
      workDir: dir,
      threads: 1,
    });
    assert.equal(code, 0);
    assert.deepEqual(log, ["burst over"]);
    assert.deepEqual(reports[0], { done: 1, total: TOTAL, unit: "steps" }, "the first passes");
    assert.deepEqual(reports.at(-1), { done: TOTAL, total: TOTAL, unit: "steps" }, "and the last");
    // The burst takes milliseconds; one report per 100 ms lets few through.
    assert.ok(reports.length < TOTAL / 10, `${reports.length} of ${TOTAL} reports passed`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
