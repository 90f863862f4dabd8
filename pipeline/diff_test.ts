import assert from "node:assert/strict";
import { join } from "node:path";
import { type FileRecord, Store } from "./cache.ts";
import { CodeHasher } from "./code_hash.ts";
import { changedFiles, preferReaders, renderDiff, type StageDiff } from "./diff.ts";
import { buildDag, loadDag } from "./load.ts";
import { type PlannedStage, planRun } from "./plan.ts";
import { entryToFormat1, makeToyRepo } from "./testdata/toy_repo.ts";

const EMPTY = { format: 2, id: "s", params: {}, code: { files: {}, externals: [] }, inputs: {} };
const file = (path: string, sha256: string): FileRecord => ({ path, sha256, size: 1, mtimeMs: 0 });

Deno.test("changedFiles() names changed, added (+) and removed (-) paths, sorted", () => {
  const before = [file("a.json", "1"), file("b.json", "2"), file("gone.txt", "3")];
  const now = [file("b.json", "2"), file("a.json", "9"), file("new.txt", "4")];
  assert.deepEqual(changedFiles(before, now), ["a.json", "-gone.txt", "+new.txt"]);
  assert.deepEqual(changedFiles(before, before), []);
});

Deno.test("preferReaders() takes builds on the --against path first, then those reading more compared inputs", () => {
  const build = (name: string, inputs: Record<string, string>) => ({
    name,
    record: { key: name, builtAt: "", material: { ...EMPTY, inputs } },
  });
  // closest first: c0 reads nothing compared, c1 one input, c2 both but not the path, c3 the path
  const ranked = [
    build("c0", { a: "a-old", b: "b-old" }),
    build("c1", { a: "a-cmp", b: "b-old" }),
    build("c2", { a: "a-cmp", b: "b-cmp" }),
    build("c3", { a: "a-old", b: "b-path" }),
  ];
  const compared = new Map([["a", ["a-cmp"]], ["b", ["b-cmp"]]]);
  const order = (path: Map<string, string[]>) =>
    preferReaders(ranked, compared, path).map((b) => b.name);
  // reading one compared input of two counts for nothing: c1 keeps its rank among the rest
  assert.deepEqual(order(new Map()), ["c2", "c0", "c1", "c3"]);
  assert.deepEqual(order(new Map([["b", ["b-path"]]])), ["c3", "c2", "c0", "c1"]);
  // any key the build on the path is recorded under
  assert.deepEqual(order(new Map([["b", ["b-cmp", "b-alias"]]]))[0], "c2");
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
    // --values: how they differ, under each stage's line; in the JSON form every field
    const valuesText = await repo.run(["diff", ...only, "--set", "double.factor=3", "--values"]);
    assert.equal(valuesText.code, 0, valuesText.stderr);
    assert.match(
      valuesText.stdout,
      /\n {2}differs {2}double .*\n {6}values\.json {2}\[\]: 3 values, 3 differ, max \|diff\| 3 \(relative 0\.333\); last 6 -> 9 \(\+3\)\n/,
    );
    assert.match(
      valuesText.stdout,
      /\n {6}toy\/sum\.txt: 1 -> 1 lines, 1 removed, 1 added; first at line 1, column 2: "12" -> "18"$/m,
    );
    const valuesJson = await diff("--set", "double.factor=3", "--values");
    assert.equal(valuesJson.source.values, undefined);
    assert.deepEqual(valuesJson.double.values, [{
      path: "values.json",
      kind: "json",
      fields: [{
        field: "[]",
        count: [3, 3],
        both: 3,
        changed: 3,
        last: [6, 9],
        maxAbs: 3,
        maxRel: 1 / 3,
      }],
      size: [7, 7],
    }]);
    assert.equal(variant.double.values, undefined);
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
    // --against names the build: double against the variant, and sum against the build that read it
    const chosen = await diff("--against", variant.double.key.slice(0, 8));
    assert.deepEqual(
      [chosen.double.status, chosen.double.against?.key, chosen.double.against?.change],
      ["differs", variant.double.key, "param factor: 3 -> 2"],
    );
    assert.deepEqual([chosen.sum.status, chosen.sum.against?.key], ["differs", variant.sum.key]);
    assert.equal(chosen.source.against?.key, edited.source.against?.key);
    const text = await repo.run(["diff", "sum"]);
    assert.match(text.stdout, /^diff \(scale default, ep cpu\): 3 stages, 3 same, 0 differ/);
    assert.match(
      text.stdout,
      /\n {2}same {5}double {2}vs the build of .* \(code changed: helper.ts\)/,
    );
    // an earlier entry that is no longer intact is passed over: double's factor-2 build corrupted,
    // double is compared with the variant, and sum with the variant's sum
    const values = join(repo.out, "cache", first.double.key, "files", "values.json");
    await Deno.chmod(values, 0o644);
    await Deno.writeTextFile(values, "[]");
    const corrupt = await diff();
    assert.deepEqual(
      [corrupt.double.status, corrupt.double.against?.change, corrupt.sum.status],
      ["differs", "param factor: 3 -> 2", "differs"],
    );
    assert.equal(corrupt.sum.against?.key, variant.sum.key);
    // gc deletes the earlier builds: nothing is left to compare with
    assert.equal((await repo.run(["gc", "--yes"])).code, 0);
    assert.equal(
      (await diff()).double.why,
      "none of its 2 earlier builds is left intact in the cache",
    );
  } finally {
    await repo.dispose();
  }
});

Deno.test("diff --against exits 2 unless it names exactly one recorded earlier build", async () => {
  const repo = await makeToyRepo();
  try {
    assert.equal((await repo.run(["run", "--only", "other"])).code, 0);
    const store = new Store(repo.out);
    const [own] = await store.readIndex("other");
    const fake = (digit: string) => ({ ...own, key: `abcdef${digit.repeat(58)}` });
    await store.writeIndex("other", fake("0"));
    await store.writeIndex("other", fake("1"));
    const cases: [string, RegExp][] = [
      [
        "abc",
        /Expected --against to be a build's key or its first 6 or more hex digits but found "abc"/,
      ],
      ["abcde!", /first 6 or more hex digits but found "abcde!"/],
      [
        "fedcba",
        /Expected --against to name an earlier build .* none recorded has a key starting "fedcba"/,
      ],
      // the stage's own entry is not an earlier build
      [own.key.slice(0, 10), /but "[0-9a-f]{10}" is the key of other's own entry/],
      // either case, as keys are hex
      [
        "ABCDEF",
        /Expected --against to name one build but "ABCDEF" starts the keys of 2: other abcdef111111, other abcdef000000/,
      ],
    ];
    for (const [prefix, message] of cases) {
      const r = await repo.run(["diff", "other", "--against", prefix]);
      assert.equal(r.code, 2, prefix);
      assert.match(r.stderr, message);
    }
    // a build of a stage that would run: nothing to compare it with
    const variant = await repo.run(["diff", "other", "--set", "other.x=9", "--against", "abcdef1"]);
    assert.equal(variant.code, 2);
    assert.match(
      variant.stderr,
      /Expected --against to name a build of a cached stage but other would run \(param x: 1 -> 9\): run it first/,
    );
    // one of them, but its entry is not in the cache
    const r = await repo.run(["diff", "other", "--json", "--against", "abcdef1"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      JSON.parse(r.stdout).stages[0].why,
      "the build abcdef111111 (--against) is no longer intact in the cache",
    );
  } finally {
    await repo.dispose();
  }
});

Deno.test("diff --against: a stage downstream that no build left read says so", async () => {
  const repo = await makeToyRepo();
  try {
    assert.equal((await repo.run(["run", "sum"])).code, 0);
    // a build of double that no build of sum read
    assert.equal((await repo.run(["run", "--only", "double", "--set", "double.factor=5"])).code, 0);
    const store = new Store(repo.out);
    const [five] = await store.readIndex("double");
    const r = await repo.run(["diff", "sum", "--json", "--against", five.key.slice(0, 8)]);
    assert.equal(r.code, 0, r.stderr);
    const byId = Object.fromEntries(
      (JSON.parse(r.stdout).stages as StageDiff[]).map((d) => [d.id, d]),
    );
    assert.deepEqual(
      [byId.double.against?.key, byId.double.against?.note, byId.double.status],
      [five.key, undefined, "differs"],
    );
    // sum has only its own entry: nothing else to compare with
    assert.deepEqual([byId.sum.status, byId.sum.why], ["none", "no earlier build recorded"]);
    // with an earlier build of sum (a code edit reran it), that one is compared, with the note
    await Deno.writeTextFile(join(repo.root, "helper.ts"), "void 0;\n", { append: true });
    assert.equal((await repo.run(["run", "sum"])).code, 0);
    const text = await repo.run(["diff", "sum", "--against", five.key.slice(0, 8)]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /\n {2}same {5}sum {5}vs the build of .* \(code changed: helper\.ts; no build left in the cache read all the builds --against led to\)/,
    );
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

/** Makes the entry of `p` and its index record the ones the format-1 engine would have written. */
async function toFormat1(store: Store, p: PlannedStage): Promise<void> {
  const builtAt = await entryToFormat1(store, p);
  const record = { key: p.legacyKey, material: p.legacyMaterial!, builtAt };
  await store.writeIndex(p.stage.id, record, [p.key]);
}

Deno.test("diff compares builds of cache format 1 by the stage's format-1 material, never with its own entry", async () => {
  const repo = await makeToyRepo();
  try {
    const store = new Store(repo.out);
    const planOf = async (sets: string[]) => {
      const dag = await loadDag(join(repo.root, "dag.ts"));
      const plan = await planRun(buildDag(dag, {}, sets).def, store, new CodeHasher(repo.root));
      return plan.find((p) => p.stage.id === "other")!;
    };
    const diffOther = async () => {
      const r = await repo.run(["diff", "other", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout).stages as StageDiff[])[0];
    };
    // a variant built by the format-1 engine, then the preset by this one
    assert.equal((await repo.run(["run", "--only", "other", "--set", "other.x=2"])).code, 0);
    const variant = await planOf(["other.x=2"]);
    await toFormat1(store, variant);
    assert.equal((await repo.run(["run", "--only", "other"])).code, 0);
    const expected = ["differs", ["other.txt"], variant.legacyKey, "param x: 2 -> 1"];
    const d = await diffOther();
    assert.deepEqual([d.status, d.files, d.against?.key, d.against?.change], expected);
    // the preset's own entry turned format 1 (it stands for the stage until a run adopts it): it is
    // not an earlier build, so the variant is still the one compared
    await toFormat1(store, await planOf([]));
    const own = await diffOther();
    assert.deepEqual([own.status, own.files, own.against?.key, own.against?.change], expected);
  } finally {
    await repo.dispose();
  }
});
