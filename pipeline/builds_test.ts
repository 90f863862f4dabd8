import assert from "node:assert/strict";
import { type BuildRow, renderBuilds } from "./builds.ts";
import type { StageReport } from "./inspect.ts";
import { makeToyRepo } from "./testdata/toy_repo.ts";

Deno.test("renderBuilds() prints a line per build: when, key, state, time and differences", () => {
  const rows: BuildRow[] = [
    {
      key: "a".repeat(64),
      builtAt: "2026-12-02T14:40:03.000Z",
      ranMs: 2_800,
      threads: 1,
      state: "cached",
      differences: ["param x: 2 -> 1", "code changed: helper.ts"],
    },
    { key: "b".repeat(64), builtAt: "2026-12-02T11:12:00.000Z", state: "this", differences: [] },
    {
      key: "c".repeat(64),
      builtAt: "2026-12-01T09:00:00.000Z",
      ranMs: 125_000,
      threads: 2,
      state: "gone",
      differences: ["param x: 3 -> 1"],
    },
  ];
  assert.deepEqual(renderBuilds(rows), [
    "  builds     3 recorded, newest first",
    `    2026-12-02 14:40  ${"a".repeat(12)}  in the cache; ran 2.8s on 1 thread; differs: ` +
    "param x: 2 -> 1; code changed: helper.ts",
    `    2026-12-02 11:12  ${"b".repeat(12)}  this entry`,
    `    2026-12-01 09:00  ${"c".repeat(12)}  not in the cache; ran 2m05s on 2 threads; differs: ` +
    "param x: 3 -> 1",
  ]);
  assert.deepEqual(renderBuilds([]), ["  builds     none recorded"]);
});

Deno.test("show --builds lists a stage's builds: this entry, a variant, and one gc deleted", async () => {
  const repo = await makeToyRepo();
  try {
    const builds = async (...args: string[]) => {
      const r = await repo.run(["show", "other", "--builds", "--json", ...args]);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout).stages as StageReport[])[0].builds!;
    };
    assert.deepEqual(await builds(), []);
    assert.equal((await repo.run(["run", "--only", "other"])).code, 0);
    assert.equal((await repo.run(["run", "--only", "other", "--set", "other.x=2"])).code, 0);
    const both = await builds();
    assert.deepEqual(both.map((b) => [b.state, b.differences]), [
      ["cached", ["param x: 2 -> 1"]],
      ["this", []],
    ]);
    assert.ok(both.every((b) => b.threads === 1 && b.ranMs! >= 0), JSON.stringify(both));
    // seen from the variant, the preset's build is the one that differs
    const fromVariant = await builds("--set", "other.x=2");
    assert.deepEqual(fromVariant.map((b) => [b.state, b.differences]), [
      ["this", []],
      ["cached", ["param x: 1 -> 2"]],
    ]);
    // gc deletes the variant (no scale reaches it); the index still records it
    assert.equal((await repo.run(["gc", "--yes"])).code, 0);
    assert.deepEqual((await builds()).map((b) => b.state), ["gone", "this"]);
    // a plan that would run has no entry of its own among them
    const unbuilt = await builds("--set", "other.x=5");
    assert.deepEqual(unbuilt.map((b) => [b.state, b.differences]), [
      ["gone", ["param x: 2 -> 5"]],
      ["cached", ["param x: 1 -> 5"]],
    ]);
    const text = await repo.run(["show", "other", "--builds"]);
    assert.match(
      text.stdout,
      /\n {2}builds {5}2 recorded, newest first\n {4}\d{4}-\d\d-\d\d \d\d:\d\d {2}[0-9a-f]{12} {2}not in the cache; ran .* on 1 thread; differs: param x: 2 -> 1\n {4}.* {2}this entry; ran /,
    );
    // without --builds neither form has them
    const plain = await repo.run(["show", "other", "--json"]);
    assert.equal((JSON.parse(plain.stdout).stages as StageReport[])[0].builds, undefined);
    assert.doesNotMatch((await repo.run(["show", "other"])).stdout, /builds/);
  } finally {
    await repo.dispose();
  }
});
