/** Mirror stages' published outputs from the store into `out/` (hard links, copies across devices). */
import { dirname, join } from "node:path";
import { listFiles } from "./fs.ts";

async function linkOrCopy(src: string, dest: string): Promise<void> {
  const s = await Deno.stat(src);
  const d = await Deno.stat(dest).catch(() => null);
  if (d && d.ino !== null && d.ino === s.ino && d.dev === s.dev) return; // already this entry's file
  await Deno.mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${Deno.pid}`;
  try {
    await Deno.link(src, tmp);
  } catch {
    await Deno.copyFile(src, tmp);
  }
  await Deno.rename(tmp, dest);
}

/**
 * Publish `paths` (files or directories inside `filesDir`) to the same relative paths under `out`.
 * Returns the published files, relative to `out`.
 */
export async function publish(filesDir: string, paths: string[], out: string): Promise<string[]> {
  const done: string[] = [];
  for (const path of paths) {
    const src = join(filesDir, path);
    const info = await Deno.stat(src).catch(() => null);
    if (!info) throw new Error(`Expected the stage to write "${path}" to publish but it did not`);
    const files = info.isDirectory ? (await listFiles(src)).map((f) => `${path}/${f}`) : [path];
    for (const f of files) {
      await linkOrCopy(join(filesDir, f), join(out, f));
      done.push(f);
    }
  }
  return done;
}
