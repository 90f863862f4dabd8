import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "./errors.ts";
import { checkOutDir } from "./out_dir.ts";

Deno.test("checkOutDir() accepts folders, creates none, and names the flag otherwise", async () => {
  const root = await Deno.makeTempDir({ prefix: "out-dir-" });
  try {
    const file = join(root, "file");
    await Deno.writeTextFile(file, "");
    const missing = join(root, "a", "b");
    for (const use of ["read", "exist", "change", "write"] as const) {
      await checkOutDir(root, "--out", use);
      await assert.rejects(
        checkOutDir(file, "--out", use),
        (e) =>
          e instanceof UsageError &&
          /^Expected --out to be a folder but ".*file" is a file$/.test(e.message),
      );
      await assert.rejects(
        checkOutDir(join(file, "sub"), "--dir", use),
        (e) =>
          e instanceof UsageError &&
          /^Expected --dir to be a folder but ".*file\/sub" cannot be one \(Not a directory/.test(
            e.message,
          ),
      );
    }
    await checkOutDir(missing, "--out", "read");
    for (const use of ["exist", "change"] as const) {
      await assert.rejects(
        checkOutDir(missing, "--out", use),
        /Expected --out to be an existing folder but ".*a\/b" does not exist/,
      );
    }
    assert.equal(await Deno.stat(missing).then(() => true, () => false), false);
    await checkOutDir(missing, "--out", "write"); // root, where it would be made, is writable
    assert.equal(await Deno.stat(missing).then(() => true, () => false), false);
    await checkOutDir(root, "--out", "write");
    assert.deepEqual([...Deno.readDirSync(root)].map((e) => e.name), ["file"]); // no probe left
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name:
    "checkOutDir() probes only for write: a folder nobody can write (Linux's /proc) passes read",
  ignore: Deno.build.os !== "linux",
  async fn() {
    // No file can be created in /proc, not even by root, whom permission bits would not stop
    for (const dir of ["/proc", "/proc/new-out"]) {
      await checkOutDir(dir, "--out", "read");
      await assert.rejects(
        checkOutDir(dir, "--out", "write"),
        (e) =>
          e instanceof UsageError &&
          e.message.startsWith(`Expected --out to be a folder that can be written but "${dir}"`),
      );
    }
    await checkOutDir("/proc", "--out", "exist");
    // change (verify, gc --yes) needs the existing folder itself to be writable
    await assert.rejects(
      checkOutDir("/proc", "--out", "change"),
      (e) =>
        e instanceof UsageError &&
        e.message.startsWith('Expected --out to be a folder that can be written but "/proc"'),
    );
  },
});
