import assert from "node:assert/strict";
import { join } from "node:path";
import { entryOf, lineage } from "./lineage.ts";
import { makeToyRepo } from "./testdata/toy_repo.ts";

const SAFE = ["--only", "totals,other"];

Deno.test("lineage() finds every stage behind a result with the params it ran with, after --set too", async () => {
  const repo = await makeToyRepo();
  const filesOf = async (args: string[]) => {
    const key = (await repo.plan(args)).find((s) => s.id === "sum")!.key;
    return join(repo.out, "cache", key, "files");
  };
  assert.equal((await repo.run(["run", ...SAFE])).code, 0);
  const preset = await lineage([await filesOf(SAFE)]);
  assert.deepEqual(preset.entries.map((e) => e.id), ["double", "source", "sum"]);
  assert.deepEqual(preset.unreadable, []);
  const factor = (l: typeof preset) =>
    (l.entries.find((e) => e.id === "double")!.params as { factor: number }).factor;
  assert.equal(factor(preset), 2);

  const set = [...SAFE, "--set", "double.factor=3"];
  assert.equal((await repo.run(["run", ...set])).code, 0);
  const varied = await lineage([await filesOf(set)]);
  assert.equal(factor(varied), 3);
  // The same source entry serves both runs; asked for both results, each stage appears once.
  const both = await lineage([await filesOf(SAFE), await filesOf(set)]);
  assert.equal(both.entries.filter((e) => e.id === "source").length, 1);
  assert.equal(both.entries.length, 5);

  // An ancestor whose entry is gone is named by key, not skipped in silence.
  const source = preset.entries.find((e) => e.id === "source")!.key;
  await Deno.remove(join(repo.out, "cache", source), { recursive: true });
  const broken = await lineage([await filesOf(SAFE)]);
  assert.deepEqual(broken.entries.map((e) => e.id), ["double", "sum"]);
  assert.deepEqual(broken.unreadable, [source]);
  await repo.dispose();
});

Deno.test("entryOf() refuses a directory outside a store, naming it", () => {
  assert.throws(() => entryOf("/tmp/some/dir"), {
    name: "RangeError",
    message: 'Expected a stage input directory "<out>/cache/<key>/files" but found "/tmp/some/dir"',
  });
  assert.throws(() => entryOf("/x/out/work/abc/files"), RangeError); // not in a cache/ folder
  assert.equal(entryOf("/x/out/cache/abc/files").key, "abc");
  assert.equal(entryOf("/x/out/cache/abc/files").store.out, "/x/out");
});
