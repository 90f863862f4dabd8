/**
 * Checks of an output folder given on the command line, made before anything is written, so that a
 * bad path is a usage error (exit 2) naming the flag instead of an OS error halfway through a run.
 */
import { dirname, join, resolve } from "node:path";
import { UsageError } from "./errors.ts";

/**
 * What the command needs of the folder: `read` (it may be absent, but a path that exists must be a
 * folder), `exist` (it must be an existing folder), `change` (an existing folder that files can be
 * written into) or `write` (a folder that files can be written into, or, if absent, one that can
 * be created: its nearest existing parent is checked; nothing is created, so a command that then
 * stops on another bad argument leaves no trace).
 */
export type OutDirUse = "read" | "exist" | "change" | "write";

/**
 * Check `dir`, the value of `flag` (e.g. "--out"), for `use`; throws UsageError.
 *
 * @example
 * ```ts
 * await checkOutDir("out", "--out", "write"); // out/, or the folder it would be made in, is writable
 * ```
 */
export async function checkOutDir(dir: string, flag: string, use: OutDirUse): Promise<void> {
  let info: Deno.FileInfo | null = null;
  try {
    info = await Deno.stat(dir);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new UsageError(
        `Expected ${flag} to be a folder but "${dir}" cannot be one (${(e as Error).message})`,
      );
    }
  }
  if (info && !info.isDirectory) {
    throw new UsageError(`Expected ${flag} to be a folder but "${dir}" is a file`);
  }
  if (!info && (use === "exist" || use === "change")) {
    throw new UsageError(`Expected ${flag} to be an existing folder but "${dir}" does not exist`);
  }
  if (use === "read" || use === "exist") return;
  let existing = resolve(dir);
  while (!info) {
    existing = dirname(existing);
    info = await Deno.stat(existing).catch(() => null);
  }
  try {
    if (!info.isDirectory) throw new Error(`"${existing}" is a file`);
    const probe = join(existing, `.write-check-${Deno.pid}`);
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (e) {
    throw new UsageError(
      `Expected ${flag} to be a folder that can be written but "${dir}" cannot be ` +
        `(${(e as Error).message})`,
    );
  }
}
