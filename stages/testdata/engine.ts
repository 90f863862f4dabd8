// Test helper: the pipeline CLI on the project DAG as a subprocess, from the repository root.
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** `pipeline/main.ts run <args>` as a command, to `.output()` or `.spawn()`. */
export function engineCommand(args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "pipeline/main.ts", "run", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  });
}

/** Run the engine to the end; stdout and stderr decoded. */
export async function runEngine(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await engineCommand(args).output();
  const dec = new TextDecoder();
  return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
}
