import assert from "node:assert/strict";
import { join } from "node:path";
import type { BuildRow } from "./builds.ts";
import { Store } from "./cache.ts";
import { CodeHasher } from "./code_hash.ts";
import { renderBuilds, type StageReport } from "./inspect.ts";
import { buildDag, loadDag } from "./load.ts";
import { planRun } from "./plan.ts";
import { entryToFormat1, makeToyRepo } from "./testdata/toy_repo.ts";

Deno.test("renderBuilds() prints a line per build: when, key, state, time and differences", () => {
  const rows: BuildRow[] = [
    {
      key: "a".repeat(64),
      builtAt: "2026-12-02T14:40:03.000Z",
      ranMs: 2_800,
      threads: 1,
      state: "cached",
      own: false,
      differences: ["param x: 2 -> 1", "code changed: helper.ts"],
    },
    {
      key: "b".repeat(64),
      builtAt: "2026-12-02T11:12:00.000Z",
      state: "this",
      own: true,
      differences: [],
    },
    {
      key: "c".repeat(64),
      builtAt: "2026-12-01T09:00:00.000Z",
      ranMs: 125_000,
      threads: 2,
      state: "gone",
      own: false,
      differences: ["param x: 3 -> 1"],
    },
    {
      key: "d".repeat(64),
      builtAt: "2026-12-01T09:00:00.000Z",
      state: "gone",
      own: true,
      sameBuildAs: "c".repeat(64),
      differences: [],
    },
  ];
  assert.deepEqual(renderBuilds(rows), [
    "  builds     4 recorded, newest first",
    `    2026-12-02 14:40  ${"a".repeat(12)}  in the cache; ran 2.8s on 1 thread; differs: ` +
    "param x: 2 -> 1; code changed: helper.ts",
    `    2026-12-02 11:12  ${"b".repeat(12)}  this entry`,
    `    2026-12-01 09:00  ${"c".repeat(12)}  not in the cache; ran 2m05s on 2 threads; differs: ` +
    "param x: 3 -> 1",
    `    2026-12-01 09:00  ${"d".repeat(12)}  this key, not in the cache (the same build as ` +
    `${"c".repeat(12)}, under another key)`,
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
    // --force reruns the plan's entry: still this entry
    const forced = await builds("--force", "other");
    assert.deepEqual(forced.map((b) => [b.state, b.own]), [["cached", false], ["this", true]]);
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

Deno.test("show --builds: an entry of cache format 1 is this entry; records of one build are told", async () => {
  const repo = await makeToyRepo();
  try {
    const store = new Store(repo.out);
    assert.equal((await repo.run(["run", "--only", "other"])).code, 0);
    const dag = await loadDag(join(repo.root, "dag.ts"));
    const plan = await planRun(buildDag(dag, {}, []).def, store, new CodeHasher(repo.root));
    const p = plan.find((s) => s.stage.id === "other")!;
    // the entry and its index record as the format-1 engine wrote them
    const builtAt = await entryToFormat1(store, p);
    await store.writeIndex("other", { key: p.legacyKey, material: p.legacyMaterial!, builtAt }, [
      p.key,
    ]);
    const builds = async () => {
      const r = await repo.run(["show", "other", "--builds", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout).stages as StageReport[])[0].builds!;
    };
    const legacy = await builds();
    assert.deepEqual(legacy.map((b) => [b.key, b.state, b.own, b.differences]), [
      [p.legacyKey, "this", true, []],
    ]);
    // a run adopts it under the format-2 key, whose record takes the place of the format-1 one
    assert.equal((await repo.run(["run", "--only", "other"])).code, 0);
    const adopted = await builds();
    assert.deepEqual(adopted.map((b) => [b.key, b.state, b.own, b.sameBuildAs]), [
      [p.key, "this", true, undefined],
    ]);
    // another record of the same build (the same end), as adoptions by earlier code left them
    const [record] = await store.readIndex("other");
    await store.writeIndex("other", { ...record, key: "f".repeat(64) });
    const twice = await builds();
    assert.deepEqual(twice.map((b) => [b.key, b.state, b.own, b.sameBuildAs]), [
      ["f".repeat(64), "gone", false, undefined],
      [p.key, "this", true, "f".repeat(64)],
    ]);
  } finally {
    await repo.dispose();
  }
});
