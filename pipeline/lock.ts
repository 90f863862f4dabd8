/**
 * One runner at a time per `out/`: an exclusive OS file lock on `out/.lock`. The operating system
 * releases it when the holder exits, even after kill -9, so a lock is never stale.
 */
import { join } from "node:path";

/** Who holds the lock, as written into the lock file. */
interface Holder {
  pid: number;
  command: string;
  since: string;
}

export class LockBusyError extends Error {
  override name = "LockBusyError";
}

/** A held lock; release it with `release()` or `using`. */
export interface HeldLock extends Disposable {
  release(): void;
}

function describe(text: string): string {
  try {
    const h = JSON.parse(text) as Holder;
    return `pid ${h.pid} (${h.command}, since ${h.since})`;
  } catch {
    return "another process";
  }
}

/**
 * Take the lock on `out`. When another process holds it: with `wait`, call `onWait` with a
 * description of the holder and block until it is free; otherwise throw LockBusyError.
 */
export async function acquireLock(
  out: string,
  options: { command: string; wait: boolean; onWait?: (holder: string) => void },
): Promise<HeldLock> {
  await Deno.mkdir(out, { recursive: true });
  const path = join(out, ".lock");
  const file = await Deno.open(path, { read: true, write: true, create: true });
  if (!(await file.tryLock(true))) {
    const holder = describe(await Deno.readTextFile(path).catch(() => ""));
    if (!options.wait) {
      file.close();
      throw new LockBusyError(
        `Expected "${out}" to be free but it is in use by ${holder}; wait for it or run without --no-wait`,
      );
    }
    options.onWait?.(holder);
    await file.lock(true);
  }
  const holder: Holder = {
    pid: Deno.pid,
    command: options.command,
    since: new Date().toISOString(),
  };
  await file.truncate(0);
  await file.write(new TextEncoder().encode(JSON.stringify(holder) + "\n"));
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    file.close(); // closing the descriptor drops the lock
  };
  return { release, [Symbol.dispose]: release };
}
