import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "../cache.ts";
import { UsageError } from "../errors.ts";
import { parseBenchArgs, seedEntries } from "./pipeline_bench.ts";

const SCALES = ["smoke", "default", "paper"];

Deno.test("bench:pipeline takes --scale in either form and defaults to smoke", () => {
  assert.equal(parseBenchArgs([], SCALES), "smoke");
  assert.equal(parseBenchArgs(["--scale", "default"], SCALES), "default");
  assert.equal(parseBenchArgs(["--scale=paper"], SCALES), "paper");
});

Deno.test("bench:pipeline rejects an unknown flag or scale before it builds anything", () => {
  assert.throws(() => parseBenchArgs(["--bogus"], SCALES), UsageError);
  assert.throws(
    () => parseBenchArgs(["--scale", "huge"], SCALES),
    (e: Error) =>
      e instanceof UsageError &&
      e.message === 'Expected --scale to be one of smoke, default, paper but found "huge"',
  );
  assert.throws(() => parseBenchArgs(["smoke"], SCALES), UsageError);
});

Deno.test("seedEntries() links the valid entries the bench's folder lacks, and no others", async () => {
  const root = await Deno.makeTempDir({ prefix: "seed-" });
  try {
    const [from, to] = [new Store(join(root, "out")), new Store(join(root, "bench"))];
    const keys = ["a", "b", "c"].map((c) => c.repeat(64));
    for (const key of keys.slice(0, 2)) {
      const tmp = await from.begin(key);
      await Deno.writeTextFile(join(tmp, "files", "x.txt"), key);
      const material = {
        format: 1,
        id: "s",
        params: {},
        code: { files: {}, externals: [] },
        inputs: {},
      };
      await from.commit(tmp, { key, material, startedAt: "", endedAt: "", tools: {} });
    }
    await Deno.writeTextFile(join(from.filesDir(keys[1]), "extra.txt"), ""); // b is corrupt
    assert.equal(await seedEntries(from, to, keys), 1); // a; not b (corrupt), not c (absent)
    assert.equal((await to.check(keys[0], true)).state, "valid");
    assert.deepEqual(await to.keys(), [keys[0]]);
    const [src, dst] = [from, to].map((s) => Deno.statSync(join(s.filesDir(keys[0]), "x.txt")));
    assert.equal(dst.ino, src.ino); // a hard link, no copy
    assert.equal(await seedEntries(from, to, keys), 0); // already there
    assert.equal((await to.readIndex("s"))[0].key, keys[0]); // "why it reruns" knows the build
    // a corrupt entry in the bench's folder is replaced by the valid one
    await Deno.writeTextFile(join(to.filesDir(keys[0]), "extra.txt"), "");
    assert.equal((await to.check(keys[0])).state, "corrupt");
    assert.equal(await seedEntries(from, to, keys), 1);
    assert.equal((await to.check(keys[0], true)).state, "valid");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
