import assert from "node:assert/strict";
import { join } from "node:path";
import { makeToyRepo } from "./testdata/toy_repo.ts";

const SAFE = ["--only", "totals,other"]; // everything but the slow and failing stages

Deno.test("run reruns nothing when run twice", async () => {
  const repo = await makeToyRepo();
  const first = await repo.run(["run", ...SAFE]);
  assert.equal(first.code, 0, first.stderr);
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
  assert.match(r.stderr, /skipped after-failing/);
  const log = await Deno.readTextFile(join(repo.out, "logs", "failing.log"));
  assert.match(log, /about to decide/);
  const plan = await repo.plan(["--only", "after-failing", "--set", "failing.fail=true"]);
  assert.ok(plan.every((s) => s.status === "run"));
  const manifest = JSON.parse(await Deno.readTextFile(join(repo.out, "manifest.json")));
  const failing = manifest.stages.find((s: { id: string }) => s.id === "failing");
  assert.equal(failing.status, "failed");
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
