import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { makeToyRepo } from "./testdata/toy_repo.ts";

Deno.test("run exits 2 naming the cycle of a cyclic DAG", async () => {
  const main = fileURLToPath(new URL("./main.ts", import.meta.url));
  const cyclic = fileURLToPath(new URL("./testdata/cyclic_dag.ts", import.meta.url));
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, "run", "--dry-run", "--dag", cyclic, "--out", "/nonexistent/out"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(r.code, 2);
  assert.match(new TextDecoder().decode(r.stderr), /The DAG has a cycle: a -> b -> a/);
});

const BAD: [string[], RegExp][] = [
  [
    ["--only", "figure9"],
    /Expected --only to name a stage or a target \(all, totals\) but found "figure9"/,
  ],
  [["--set", "nope.x=1"], /Unknown stage "nope" in --set "nope\.x=1"/],
  [["--set", "other.y=1"], /Stage "other" has no param "y" \(its params: label, x\)/],
  [["--set", "other.x=abc"], /Expected --set other\.x to be a number but found "abc"/],
  [["--set", "failing.fail=1"], /Expected --set failing\.fail to be a boolean but found "1"/],
  [["--set", "otherx=1"], /Expected --set in the form stage\.param=value/],
  [["--force", "ghost"], /Expected --force to name a stage but found "ghost"/],
  [["--scale", "huge"], /Expected --scale to be one of default, smoke but found "huge"/],
  [["--ep", "tpu"], /Expected --ep to be one of cpu, webgpu but found "tpu"/],
  [["--jobs", "0"], /Expected --jobs to be a positive integer but found "0"/],
  [["--bogus"], /Unknown option '--bogus'/],
  [["--json"], /Expected --json together with --dry-run/],
];

for (const [args, message] of BAD) {
  Deno.test(`run exits 2 with a clear message for ${args.join(" ")}`, async () => {
    const repo = await makeToyRepo();
    const r = await repo.run(["run", ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    await repo.dispose();
  });
}

Deno.test("run --set accepts a string value as text and a wildcard stage pattern", async () => {
  const repo = await makeToyRepo();
  const plan = await repo.plan(["--set", "other.label=1.5", "--set", "*.factor=3"]);
  assert.equal(plan.find((s) => s.id === "double")!.reason, "new stage (never built)");
  assert.equal(plan.length, 7);
  const r = await repo.run(["run", "--only", "other", "--set", "other.label=1.5"]);
  assert.equal(r.code, 0, r.stderr);
  await repo.dispose();
});

Deno.test("gc lists entries no scale reaches and deletes them only with --yes", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", "--only", "other"])).code, 0);
  assert.equal((await repo.run(["run", "--only", "other", "--set", "other.x=2"])).code, 0);
  const list = await repo.run(["gc"]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stderr, /unreachable [0-9a-f]{12} other/);
  assert.match(list.stderr, /1 entries, .* unreachable/);
  const again = await repo.run(["gc"]);
  assert.match(again.stderr, /1 entries/);
  const del = await repo.run(["gc", "--yes"]);
  assert.match(del.stderr, /deleted [0-9a-f]{12} other/);
  assert.match((await repo.run(["gc"])).stderr, /0 entries/);
  const [other] = await repo.plan(["--only", "other"]);
  assert.equal(other.status, "cached");
  await repo.dispose();
});
