/**
 * Runs one stage in its own process. The runner writes one JSON job line to stdin and keeps stdin
 * open; when it closes (the runner died), the worker exits at once. Progress goes to stdout as
 * lines starting with the record separator; everything else the stage prints is its log.
 */
import { type Job, PROGRESS_MARK } from "./job.ts";
import type { ConfigurableDag } from "./dag_config.ts";
import type { Progress } from "./stage.ts";

const encoder = new TextEncoder();

function emit(p: Progress): void {
  Deno.stdout.writeSync(encoder.encode(`${PROGRESS_MARK}${JSON.stringify(p)}\n`));
}

async function readJob(): Promise<{ job: Job; rest: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = Deno.stdin.readable.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("Expected a job line on stdin but found end of input");
    text += decoder.decode(value, { stream: true });
  }
  return { job: JSON.parse(text.slice(0, text.indexOf("\n"))), rest: reader };
}

async function exitWhenOrphaned(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  while (!(await reader.read()).done) { /* the runner sends nothing more */ }
  console.error("The runner went away; stopping");
  Deno.exit(3);
}

async function main(): Promise<void> {
  const { job, rest } = await readJob();
  exitWhenOrphaned(rest);
  const mod = (await import(job.dag)) as ConfigurableDag;
  const def = job.config === undefined
    ? mod.pipeline(job.build)
    : mod.pipeline(job.build, job.config);
  const stage = def.stages.find((s) => s.id === job.id);
  if (!stage) throw new Error(`Expected stage "${job.id}" in "${job.dag}" but it is not declared`);
  let last = 0;
  await stage.run({
    id: job.id,
    params: job.params,
    inputs: job.inputs,
    outDir: job.outDir,
    workDir: job.workDir,
    threads: job.threads,
    progress(p) {
      const now = Date.now();
      if (now - last < 100 && p.done < p.total) return;
      last = now;
      emit(p);
    },
    log(message) {
      console.log(message);
    },
  });
}

if (import.meta.main) {
  try {
    await main();
    Deno.exit(0);
  } catch (e) {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    Deno.exit(1);
  }
}
