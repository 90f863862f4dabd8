import assert from "node:assert/strict";
import { join } from "node:path";
import { integrityPin, verifyFiles } from "./digest.ts";
import { DigestError } from "./format_error.ts";

Deno.test("integrityPin() takes the whole base64 digest and nothing after it", () => {
  assert.deepEqual(integrityPin("sha512-q0v+/Q=="), {
    algorithm: "sha512",
    digest: "q0v+/Q==",
    encoding: "base64",
  });
  assert.throws(() => integrityPin("sha512-q0v+/Q==junk"), TypeError);
  assert.throws(() => integrityPin("sha1-q0v+/Q=="), TypeError);
});

Deno.test("verifyFiles() reports missing files but passes on other read errors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      verifyFiles(dir, [{ name: "gone.bin", sha256: "00" }]),
      (e) =>
        e instanceof DigestError &&
        /Expected file "gone\.bin" in ".*" but found none/.test(e.message),
    );
    // a folder where a file should be is not "missing": the read error itself comes through
    await Deno.mkdir(join(dir, "folder.bin"));
    await assert.rejects(
      verifyFiles(dir, [{ name: "folder.bin", sha256: "00" }]),
      (e) => !(e instanceof DigestError),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
