import assert from "node:assert/strict";
import { join } from "node:path";
import type { FileRecord } from "./cache.ts";
import { changedFiles, renderDiff, type StageDiff } from "./diff.ts";
import { makeToyRepo } from "./testdata/toy_repo.ts";

const file = (path: string, sha256: string): FileRecord => ({ path, sha256, size: 1, mtimeMs: 0 });

Deno.test("changedFiles() names changed, added (+) and removed (-) paths, sorted", () => {
  const before = [file("a.json", "1"), file("b.json", "2"), file("gone.txt", "3")];
  const now = [file("b.json", "2"), file("a.json", "9"), file("new.txt", "4")];
  assert.deepEqual(changedFiles(before, now), ["a.json", "-gone.txt", "+new.txt"]);
  assert.deepEqual(changedFiles(before, before), []);
});

Deno.test("renderDiff() counts each status and names what differs and against which build", () => {
  const against = { key: "k0", builtAt: "2026-12-02T10:21:33.000Z", change: "code changed: a.ts" };
  const diffs: StageDiff[] = [
    { id: "a", key: "k1", status: "same", against, files: [] },
    { id: "long-b", key: "k2", status: "differs", against, files: ["1", "2", "3", "4", "5"] },
    { id: "c", key: "k3", status: "none", files: [], why: "not cached: run it first" },
  ];
  assert.equal(
    renderDiff(diffs, "diff (scale s, ep cpu)"),
    [
      "diff (scale s, ep cpu): 3 stages, 1 same, 1 differ, 1 not compared",
      "  same     a       vs the build of 2026-12-02 10:21 UTC (code changed: a.ts)",
      "  differs  long-b  1, 2, 3 and 2 more; vs the build of 2026-12-02 10:21 UTC (code changed: a.ts)",
      "  none     c       not cached: run it first",
    ].join("\n"),
  );
});

Deno.test("diff: a param change differs downstream, a code edit that computes the same is the same", async () => {
  const repo = await makeToyRepo();
  try {
    const only = ["--only", "sum"];
    const diff = async (...args: string[]) => {
      const r = await repo.run(["diff", ...only, "--json", ...args]);
      assert.equal(r.code, 0, r.stderr);
      const byId = Object.fromEntries(
        (JSON.parse(r.stdout).stages as StageDiff[]).map((d) => [d.id, d]),
      );
      return byId;
    };
    assert.equal((await diff()).sum.why, "not cached: run it first");
    assert.equal((await repo.run(["run", ...only])).code, 0);
    const first = await diff();
    assert.deepEqual(
      Object.values(first).map((d) => [d.status, d.why]),
      Array(3).fill(["none", "no earlier build recorded"]),
    );
    // a variant: double's values and the sum change; source is the one build it has
    assert.equal((await repo.run(["run", ...only, "--set", "double.factor=3"])).code, 0);
    const variant = await diff("--set", "double.factor=3");
    assert.equal(variant.source.status, "none");
    assert.deepEqual(
      [variant.double.status, variant.double.files, variant.double.against?.change],
      ["differs", ["values.json"], "param factor: 2 -> 3"],
    );
    assert.deepEqual([variant.sum.status, variant.sum.files], ["differs", ["toy/sum.txt"]]);
    // a statement added to the code every toy stage imports: all rerun, and compute the same
    await Deno.writeTextFile(join(repo.root, "helper.ts"), "void 0;\n", { append: true });
    assert.equal((await repo.run(["run", ...only])).code, 0);
    const edited = await diff();
    assert.deepEqual(Object.values(edited).map((d) => d.status), ["same", "same", "same"]);
    // against the build with factor 2 (fewest differences), not the newer variant
    assert.equal(edited.double.against?.change, "code changed: helper.ts");
    assert.equal(edited.double.against?.key, first.double.key);
    // and sum against the build that read that build of double, though both differ as much
    assert.equal(edited.sum.against?.key, first.sum.key);
    const text = await repo.run(["diff", ...only]);
    assert.match(text.stdout, /^diff \(scale default, ep cpu\): 3 stages, 3 same, 0 differ/);
    assert.match(
      text.stdout,
      /\n {2}same {5}double {2}vs the build of .* \(code changed: helper.ts\)/,
    );
    // gc deletes the earlier builds: nothing is left to compare with
    assert.equal((await repo.run(["gc", "--yes"])).code, 0);
    assert.equal((await diff()).double.why, "none of its 2 earlier builds is left in the cache");
  } finally {
    await repo.dispose();
  }
});

Deno.test("diff takes only the options it reads", async () => {
  const repo = await makeToyRepo();
  try {
    for (const flag of ["--dry-run", "--force=sum", "--yes"]) {
      const r = await repo.run(["diff", flag]);
      assert.equal(r.code, 2, flag);
      assert.match(r.stderr, /error: /);
    }
  } finally {
    await repo.dispose();
  }
});
