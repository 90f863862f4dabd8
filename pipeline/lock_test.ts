import assert from "node:assert/strict";
import { acquireLock, LockBusyError } from "./lock.ts";

/** The process's open file descriptors (Linux). */
const openFiles = () => [...Deno.readDirSync("/proc/self/fd")].length;

Deno.test({
  name: "acquireLock() without wait throws LockBusyError and keeps no file open",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const out = await Deno.makeTempDir({ prefix: "lock-" });
    try {
      const held = await acquireLock(out, { command: "run", wait: false });
      const before = openFiles();
      await assert.rejects(
        acquireLock(out, { command: "gc", wait: false }),
        (e) => e instanceof LockBusyError && /in use by pid \d+ \(run, since /.test(e.message),
      );
      assert.equal(openFiles(), before);
      held.release();
      (await acquireLock(out, { command: "gc", wait: false })).release();
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
