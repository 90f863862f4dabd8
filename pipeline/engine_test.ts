import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "./cache.ts";
import { CodeHasher } from "./code_hash.ts";
import { hashJson } from "./hash.ts";
import { buildDag, loadDag } from "./load.ts";
import { planRun } from "./plan.ts";
import { entryToFormat1, makeToyRepo, waitFor } from "./testdata/toy_repo.ts";

const SAFE = ["--only", "totals,other"]; // everything but the slow and failing stages

Deno.test("run reruns nothing when run twice", async () => {
  const repo = await makeToyRepo();
  const first = await repo.run(["run", ...SAFE]);
  assert.equal(first.code, 0, first.stderr);
  await Deno.remove(join(repo.out, "toy"), { recursive: true }); // a cached stage publishes again
  const second = await repo.run(["run", ...SAFE]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /0 ran, 4 cached/);
  assert.deepEqual(await repo.runs(), { source: 1, double: 1, sum: 1, other: 1 });
  assert.ok((await repo.plan(SAFE)).every((s) => s.status === "cached"));
  assert.equal(await Deno.readTextFile(join(repo.out, "toy", "sum.txt")), "12\n");
  await repo.dispose();
});

Deno.test("run reruns exactly the changed stage and its descendants, naming the param", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", ...SAFE])).code, 0);
  const plan = await repo.plan([...SAFE, "--set", "double.factor=3"]);
  const status = Object.fromEntries(plan.map((s) => [s.id, s.status]));
  assert.deepEqual(status, { source: "cached", double: "run", sum: "run", other: "cached" });
  assert.equal(plan.find((s) => s.id === "double")!.reason, "param factor: 2 -> 3");
  assert.match(
    plan.find((s) => s.id === "sum")!.reason,
    /input "values" changed: upstream "double" reruns \(param factor: 2 -> 3\)/,
  );
  const r = await repo.run(["run", ...SAFE, "--set", "double.factor=3"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await repo.runs(), { source: 1, double: 2, sum: 2, other: 1 });
  assert.equal(await Deno.readTextFile(join(repo.out, "toy", "sum.txt")), "18\n");
  await repo.dispose();
});

Deno.test("run --dry-run names the root cause two stages upstream", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", ...SAFE])).code, 0);
  const plan = await repo.plan([...SAFE, "--set", "source.n=4"]);
  assert.equal(
    plan.find((s) => s.id === "sum")!.reason,
    'input "values" changed: upstream "double" reruns (via "source": param n: 3 -> 4)',
  );
  await repo.dispose();
});

Deno.test("run explains a rerun by the closest earlier build, not a --set variant built since", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", ...SAFE])).code, 0);
  // variants built after the preset: the index's latest builds of "other" and "double"
  assert.equal((await repo.run(["run", "--only", "other", "--set", "other.x=2"])).code, 0);
  assert.equal((await repo.run(["run", "--only", "sum", "--set", "double.factor=3"])).code, 0);
  // "other" was built at x = 1 and x = 2 (newest); with x = 1 and a new label, the closer build is
  // the older one, which differs in one param where the newer one differs in two
  const label = await repo.plan(["--only", "other", "--set", "other.label=b"]);
  assert.equal(label[0].reason, 'param label: "a" -> "b"');
  const upstream = await repo.plan([...SAFE, "--set", "source.n=4"]);
  assert.equal(
    upstream.find((s) => s.id === "double")!.reason,
    'input "src" changed: upstream "source" reruns (param n: 3 -> 4)',
  );
  await Deno.writeTextFile(
    join(repo.root, "helper.ts"),
    "export const scale = (v: number[], f: number) => v.map((x) => x * f);\n",
  );
  const edited = await repo.plan(SAFE);
  assert.equal(edited.find((s) => s.id === "other")!.reason, "code changed: helper.ts");
  assert.equal(edited.find((s) => s.id === "double")!.reason, "code changed: helper.ts");
  await repo.dispose();
});

Deno.test("run: editing an unrelated file invalidates nothing; editing a helper reruns its users", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", ...SAFE])).code, 0);
  await Deno.writeTextFile(join(repo.root, "unrelated.ts"), "export const unrelated = 2;\n");
  assert.ok((await repo.plan(SAFE)).every((s) => s.status === "cached"));
  // comments, layout and types of a helper are not its code
  const helper = join(repo.root, "helper.ts");
  await Deno.writeTextFile(
    helper,
    "/** Scales. */\nexport function scale(values: number[], factor: number) {\n" +
      "  return values.map((v) => v * factor); // each\n}\n",
  );
  assert.ok((await repo.plan(SAFE)).every((s) => s.status === "cached"));
  // the plans keep the normalised hashes in out/cache/, so the next one transpiles no file again
  const memo = JSON.parse(await Deno.readTextFile(join(repo.out, "cache", ".code-hashes.json")));
  assert.ok(Object.keys(memo.hashes).length >= 2, JSON.stringify(memo));
  await Deno.writeTextFile(
    join(repo.root, "helper.ts"),
    "export const scale = (v: number[], f: number) => v.map((x) => x * f);\n",
  );
  const plan = await repo.plan(SAFE);
  // Every toy stage lives in dag.ts, which imports helper.ts: all of them rerun, naming the file.
  assert.ok(plan.every((s) => s.status === "run"));
  assert.equal(plan.find((s) => s.id === "source")!.reason, "code changed: helper.ts");
  await repo.dispose();
});

Deno.test("run --dry-run --json prints one JSON document with 64-hex keys", async () => {
  const repo = await makeToyRepo();
  const r = await repo.run(["run", "--dry-run", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(doc), ["stages"]);
  assert.equal(doc.stages.length, 7);
  for (const s of doc.stages) {
    assert.match(s.key, /^[0-9a-f]{64}$/);
    assert.equal(s.status, "run");
    assert.equal(s.reason, "new stage (never built)");
  }
  await repo.dispose();
});

Deno.test("run: a failing stage exits 1, names the stage and its log, caches nothing, skips dependents", async () => {
  const repo = await makeToyRepo();
  const r = await repo.run(["run", "--only", "after-failing", "--set", "failing.fail=true"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /failed failing .*exit code 1; log: .*failing\.log/);
  assert.match(r.stderr, /toy failure on purpose/);
  assert.match(r.stderr, /skipped after-failing \(0\.0s\): an input failed/);
  const log = await Deno.readTextFile(join(repo.out, "logs", "failing.log"));
  assert.match(log, /about to decide/);
  const plan = await repo.plan(["--only", "after-failing", "--set", "failing.fail=true"]);
  assert.ok(plan.every((s) => s.status === "run"));
  const manifest = JSON.parse(await Deno.readTextFile(join(repo.out, "manifest.json")));
  const failing = manifest.stages.find((s: { id: string }) => s.id === "failing");
  assert.equal(failing.status, "failed");
  await repo.dispose();
});

Deno.test("run: a failing stage's last 20 log lines are shown, not its first", async () => {
  const repo = await makeToyRepo();
  const r = await repo.run(["run", "--only", "failing", "--set", "failing.fail=true"], {
    TOY_LOG_LINES: "30",
  });
  assert.equal(r.code, 1);
  const log = await Deno.readTextFile(join(repo.out, "logs", "failing.log"));
  const lines = log.trimEnd().split("\n");
  assert.ok(lines.length > 30);
  assert.ok(r.stderr.includes(`failing.log ---\n${lines.slice(-20).join("\n")}\n`), r.stderr);
  await repo.dispose();
});

Deno.test("run writes out/manifest.json with every stage, key, params, inputs, status and versions", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", ...SAFE])).code, 0);
  const m = JSON.parse(await Deno.readTextFile(join(repo.out, "manifest.json")));
  assert.equal(m.stages.length, 7);
  assert.equal(m.tools.deno, Deno.version.deno);
  assert.equal(m.ep, "cpu");
  const sum = m.stages.find((s: { id: string }) => s.id === "sum");
  assert.equal(sum.status, "ran");
  assert.match(sum.inputs.values.key, /^[0-9a-f]{64}$/);
  assert.equal(sum.inputs.values.stage, "double");
  // each input's key is the key of the upstream stage's entry it read
  const keyOf = (id: string) => m.stages.find((s: { id: string }) => s.id === id).key;
  assert.equal(sum.inputs.values.key, keyOf("double"));
  assert.equal(
    m.stages.find((s: { id: string }) => s.id === "double").inputs.src.key,
    keyOf("source"),
  );
  assert.notEqual(keyOf("double"), keyOf("sum"));
  assert.equal(m.stages.find((s: { id: string }) => s.id === "slow").status, "not-selected");
  await repo.dispose();
});

Deno.test("run: a stage computes with its declared threads whatever --jobs is", async () => {
  const repo = await makeToyRepo();
  const seen = await Deno.makeTempDir();
  const r = await repo.run(["run", "--only", "other,slow", "--jobs", "1"], {
    TOY_THREADS_DIR: seen,
  });
  assert.equal(r.code, 0, r.stderr);
  const threads = async (id: string) => await Deno.readTextFile(`${seen}/${id}`);
  // "slow" asks for 2: under --jobs 1 it runs alone, but with 2 (its results must not depend on
  // the flag, which is not part of the key)
  assert.deepEqual([await threads("other"), await threads("slow")], ["1", "2"]);
  // and the cache entries record them
  for (const p of await repo.plan(["--only", "other,slow"])) {
    const m = JSON.parse(await Deno.readTextFile(join(repo.out, "cache", p.key, "manifest.json")));
    assert.equal(m.threads, p.id === "slow" ? 2 : 1, p.id);
  }
  await Deno.remove(seen, { recursive: true });
  await repo.dispose();
});

Deno.test("run --jobs 2: a stage of 2 threads runs alone, the next one waits for it", async () => {
  const repo = await makeToyRepo();
  const hold = join(repo.root, "hold");
  await Deno.writeTextFile(hold, "");
  const counted = (id: string) => Deno.stat(join(repo.counters, id)).then(() => true, () => false);
  // "slow" (2 threads) comes before "failing" (1 thread) in the plan; it waits while `hold` exists
  const child = repo.spawn(["run", "--only", "slow,failing", "--jobs", "2"], { TOY_HOLD: hold });
  await waitFor(() => counted("slow"), '"slow" to start');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await counted("failing"), false, '"failing" started beside a 2-thread stage');
  await Deno.remove(hold);
  const r = await child.output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  assert.deepEqual(await repo.runs(), { slow: 1, failing: 1 });
  await repo.dispose();
});

Deno.test("run explains a change by the newest of the builds that differ as little", async () => {
  const repo = await makeToyRepo();
  for (const x of [1, 2]) {
    assert.equal((await repo.run(["run", "--only", "other", "--set", `other.x=${x}`])).code, 0);
  }
  // x = 3 differs from both builds in one param: the newer one (x = 2) explains it
  const [p] = await repo.plan(["--only", "other", "--set", "other.x=3"]);
  assert.equal(p.reason, "param x: 2 -> 3");
  await repo.dispose();
});

Deno.test("run: a stage whose input changed to a cached version is its own root cause", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", "--only", "sum"])).code, 0);
  // only "source" is built at n = 4: "double" then reads a cached input it was never built with
  assert.equal((await repo.run(["run", "--only", "source", "--set", "source.n=4"])).code, 0);
  const plan = await repo.plan(["--only", "sum", "--set", "source.n=4"]);
  const reason = (id: string) => plan.find((s) => s.id === id)!.reason;
  assert.equal(plan.find((s) => s.id === "source")!.status, "cached");
  assert.equal(
    reason("double"),
    'input "src" changed: upstream "source" changed to a cached version',
  );
  assert.equal(
    reason("sum"),
    'input "values" changed: upstream "double" reruns (input "src" changed: upstream "source" ' +
      "changed to a cached version)",
  );
  await repo.dispose();
});

Deno.test("run: a cached file cut short with its time restored is corrupt, by its size", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", "--only", "other"])).code, 0);
  const [other] = await repo.plan(["--only", "other"]);
  const file = join(repo.out, "cache", other.key, "files", "other.txt");
  const { mtime, atime } = await Deno.stat(file);
  await Deno.chmod(file, 0o644);
  await Deno.truncate(file, 2);
  await Deno.utime(file, atime!, mtime!);
  const [cut] = await repo.plan(["--only", "other"]);
  assert.equal(cut.status, "run");
  assert.match(cut.reason, /cache entry is corrupt: "other\.txt" has 2 bytes, expected 4/);
  await repo.dispose();
});

Deno.test("run: an entry whose manifest names another key is corrupt, not another stage's result", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", "--only", "other"])).code, 0);
  const [one] = await repo.plan(["--only", "other"]);
  const [two] = await repo.plan(["--only", "other", "--set", "other.x=2"]);
  // x = 1's entry copied to where x = 2's would be
  await new Deno.Command("cp", {
    args: ["-a", join(repo.out, "cache", one.key), join(repo.out, "cache", two.key)],
  }).output();
  const [copied] = await repo.plan(["--only", "other", "--set", "other.x=2"]);
  assert.equal(copied.status, "run");
  assert.match(copied.reason, /cache entry is corrupt: manifest\.json belongs to another key/);
  await repo.dispose();
});

/** The newest build of `id` in the cache's index of builds. */
async function newestBuild(out: string, id: string) {
  const index = JSON.parse(await Deno.readTextFile(join(out, "cache", ".index", `${id}.json`)));
  return index[0] as { key: string; ms?: number; threads?: number; resumed?: boolean };
}

Deno.test("run says how long the stages to run took in their earlier builds", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", ...SAFE])).code, 0);
  // never built: no estimate
  const fresh = await repo.run(["run", "--dry-run", "--only", "slow"]);
  assert.match(fresh.stdout, /^plan \(scale default, ep cpu\): 1 stage, 1 to run\n/);
  // the same params built before: the time its index record gives
  const built = await newestBuild(repo.out, "double");
  assert.ok(built.ms! > 0 && built.threads === 1, JSON.stringify(built));
  const forced = await repo.run(["run", "--dry-run", ...SAFE, "--force", "double"]);
  assert.match(forced.stdout, /: 4 stages, 1 to run; about \d+\.\ds by earlier builds\n/);
  const plan = await repo.plan([...SAFE, "--force", "double"]);
  assert.equal(plan.find((s) => s.id === "double")!.estimateMs, built.ms);
  // other params: "double" has no such build, "sum" (its params unchanged) has one
  const variant = await repo.run(["run", "--dry-run", ...SAFE, "--set", "double.factor=3"]);
  assert.match(
    variant.stdout,
    /: 4 stages, 2 to run; about \S+ by earlier builds, counting the stage without an earlier build as 0\n/,
  );
  // a real run says it before it starts, and on each "ran" line but the last what is left
  const r = await repo.run(["run", ...SAFE, "--force", "source,other", "--jobs", "1"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /2 to run, 2 cached; about \S+ by earlier builds\n/);
  const ran = r.stderr.split("\n").filter((l) => / ran (source|other) /.test(l));
  assert.equal(ran.length, 2, r.stderr);
  assert.match(ran[0], /\); about \S+ left$/);
  assert.match(ran[1], /\)$/);
  await repo.dispose();
});

Deno.test("a build's time is looked up by its declared threads, and not kept when it resumed", async () => {
  const repo = await makeToyRepo();
  // "slow" declares 2 threads: its record says so, and --jobs 1 (it then runs alone) finds it
  assert.equal((await repo.run(["run", "--only", "slow", "--jobs", "2"])).code, 0);
  const slow = await newestBuild(repo.out, "slow");
  assert.equal(slow.threads, 2);
  const plan = await repo.plan(["--only", "slow", "--force", "slow", "--jobs", "1"]);
  assert.equal(plan[0].estimateMs, slow.ms);
  // a build that found an earlier attempt's files in its work folder went on from them: its
  // time covers only part of the work, so it is not recorded and gives no estimate
  const set = ["--only", "other", "--set", "other.x=5"];
  const key = (await repo.plan(set))[0].key;
  await Deno.mkdir(join(repo.out, "work", key), { recursive: true });
  await Deno.writeTextFile(join(repo.out, "work", key, "checkpoint"), "from an earlier attempt");
  assert.equal((await repo.run(["run", ...set])).code, 0);
  const other = await newestBuild(repo.out, "other");
  assert.deepEqual([other.key, other.resumed, other.ms], [key, true, undefined]);
  const again = await repo.run(["run", "--dry-run", ...set, "--force", "other"]);
  assert.match(again.stdout, /: 1 stage, 1 to run\n/);
  await repo.dispose();
});

Deno.test("gc keeps a stage's format-1 checkpoints, and its next run goes on from them", async () => {
  const repo = await makeToyRepo();
  // the stage's format-1 key, as the engine plans it
  const dag = await loadDag(join(repo.root, "dag.ts"));
  const store = new Store(repo.out);
  const plan = await planRun(buildDag(dag, {}, []).def, store, new CodeHasher(repo.root));
  const other = plan.find((p) => p.stage.id === "other")!;
  await Deno.mkdir(store.workDir(other.legacyKey), { recursive: true });
  await Deno.writeTextFile(join(store.workDir(other.legacyKey), "step.ckpt"), "old");
  assert.match((await repo.run(["gc"])).stderr, /^nothing unreachable/m);
  const r = await repo.run(["run", "--only", "other"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /adopted the checkpoints of 1 interrupted stage of format 1/);
  assert.equal(await Deno.stat(store.workDir(other.legacyKey)).catch(() => null), null);
  const entry = await store.check(other.key);
  assert.equal(entry.state === "valid" && entry.manifest.resumed, true);
  await repo.dispose();
});

Deno.test("run adopts a format-1 entry of the same code through the CLI, and says so", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", "--only", "other"])).code, 0);
  // turn the entry into the one the format-1 engine would have built: its key, its material
  const dag = await loadDag(join(repo.root, "dag.ts"));
  const store = new Store(repo.out);
  const hasher = new CodeHasher(repo.root);
  const plan = await planRun(buildDag(dag, {}, []).def, store, hasher);
  const other = plan.find((p) => p.stage.id === "other")!;
  const material = {
    ...other.material,
    format: 1,
    code: hasher.legacyFingerprint(other.stage.module),
  };
  assert.equal(hashJson(material), other.legacyKey);
  assert.deepEqual(other.legacyMaterial, material);
  await entryToFormat1(store, other);
  const r = await repo.run(["run", "--only", "other"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /1 stage, 0 to run, 1 cached/);
  assert.match(r.stderr, /adopted 1 cache entry of format 1: the code is the same byte for byte/);
  assert.match(r.stderr, /done: 0 ran, 1 cached/);
  assert.deepEqual(await repo.runs(), { other: 1 });
  assert.equal((await store.check(other.key, true)).state, "valid");
  // verify counts the format-1 entry as intact; gc lists it, adopted, as unreachable
  assert.match(
    (await repo.run(["verify"])).stderr,
    /^\d+ entries intact \(1 of format 1\), 0 corrupt$/m,
  );
  assert.match(
    (await repo.run(["gc"])).stderr,
    new RegExp(
      `^unreachable ${other.legacyKey.slice(0, 12)} other \\(format 1\\) \\(\\d+ bytes\\)$`,
      "m",
    ),
  );
  await repo.dispose();
});
