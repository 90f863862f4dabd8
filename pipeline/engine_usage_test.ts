import assert from "node:assert/strict";
import { join } from "node:path";
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

Deno.test("run exits 2 when two stages publish one path or a stage publishes outside out/", async () => {
  const main = fileURLToPath(new URL("./main.ts", import.meta.url));
  const dag = fileURLToPath(new URL("./testdata/publish_dag.ts", import.meta.url));
  const plan = async (paths: string) => {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", main, "run", "--dry-run", "--dag", dag, "--out", "/nonexistent/out"],
      env: { PUBLISH_DAG_PATHS: paths },
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: r.code, stderr: new TextDecoder().decode(r.stderr) };
  };
  assert.equal((await plan("figures/a.png,figures/b.png")).code, 0);
  const twice = await plan("figures/a.png,figures/a.png");
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /Stages "s0" and "s1" both publish "figures\/a\.png"/);
  for (const bad of ["/etc/x", "figures/../../x", "cache/x"]) {
    const r = await plan(`ok.png,${bad}`);
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, /Stage "s1" publishes ".*": expected a relative path in out\//, bad);
  }
});

const BAD: [string[], RegExp][] = [
  [
    ["--only", "figure9"],
    /Expected a stage id, a pattern of stage ids with \* or a target \(all, totals\) but found "figure9"$/m,
  ],
  // a name one edit from a stage id or target (one in four for longer names) is suggested
  [["--only", "totls"], /but found "totls" \(did you mean "totals"\?\)$/m],
  [["--only", "othre"], /but found "othre" \(did you mean "other"\?\)$/m], // a swap: one edit
  [["--only", "otehrs"], /but found "otehrs"$/m],
  [["--set", "nope.x=1"], /Unknown stage "nope" in --set "nope\.x=1"$/m],
  [["--set", "othr.x=1"], /Unknown stage "othr" in --set "othr\.x=1" \(did you mean "other"\?\)$/m],
  [["--set", "other.y=1"], /Stage "other" has no param "y" \(its params: label, x\)/],
  [
    ["--set", "other.x=abc"],
    /Expected --set other\.x to be a number \(as JSON\) but found "abc", which is not valid JSON/,
  ],
  [
    ["--set", "failing.fail=1"],
    /Expected --set failing\.fail to be a boolean but found a number, 1$/m,
  ],
  [["--set", "otherx=1"], /Expected --set in the form stage\.param=value/],
  [
    ["--set", "other.x=-1"],
    /^error: Expected other\.x to be a number >= 0 but found -1 \(--set changed x\)$/m,
  ],
  [
    ["--force", "ghost"],
    /Expected --force to name a stage, a pattern of stage ids with \* or a target but found "ghost"$/m,
  ],
  [["--force", "sourc"], /but found "sourc" \(did you mean "source"\?\)$/m],
  [
    ["--only", "other", "--force", "source"],
    /Expected --force to name a selected stage but "source" is not among the stages --only and the targets select \(other\)/,
  ],
  [["--only", ""], /Expected --only to name stages, patterns or targets but found ""/],
  [["--only", " , "], /Expected --only to name stages, patterns or targets but found " , "/],
  [["--force", ","], /Expected --force to name stages but found ","/],
  [
    ["--only", "other", "--force", "s*"],
    /Expected --force to name a selected stage but "s\*" is not among the stages --only and the targets select \(other\)/,
  ],
  [["--scale", "huge"], /Expected --scale to be one of default, smoke but found "huge"/],
  [["--ep", "tpu"], /Expected --ep to be one of cpu, webgpu but found "tpu"/],
  [["--jobs", "0"], /Expected --jobs to be a positive integer but found "0"/],
  [["--bogus"], /^error: Unknown option "--bogus" \(--help lists the options\)$/m],
  [["--sclae", "smoke"], /^error: Unknown option "--sclae" \(did you mean "--scale"\?\)$/m],
  [["--json"], /Expected --json together with --dry-run \(or with show or diff\)/],
  [["--format", "dot"], /Expected --format only with dag but found it with "run"/],
  [["--group"], /Expected --group only with dag but found it with "run"/],
  [["--yes"], /Expected --yes only with gc but found it with "run"/],
  [["--values"], /Expected --values only with diff but found it with "run"/],
  [["--builds"], /Expected --builds only with show but found it with "run"/],
  [["nope-*"], /Expected a stage id, a pattern of stage ids with \* or a target .* "nope-\*"/],
  [["constructor"], /Expected a stage id, .* but found "constructor"/],
];

const BAD_OTHERS: [string[], RegExp][] = [
  [["dag", "--dry-run"], /Expected --dry-run only with run but found it with "dag"/],
  [["dag", "--json"], /Expected --json only with run, show, diff but found it with "dag"/],
  [["show", "--keep-going"], /Expected --keep-going only with run but found it with "show"/],
  [
    ["verify", "--scale", "smoke"],
    /Expected --scale only with run, key, dag, show, diff, config but found/,
  ],
  [
    ["gc", "--scale", "smoke"],
    /Expected --scale only with run, key, dag, show, diff, config but found it with "gc"/,
  ],
  [["key", "--jobs", "2"], /Expected --jobs only with run but found it with "key"/],
  [["gc", "sum"], /Expected no targets for "gc" but found "sum"/],
  [["show", "constructor"], /Expected a stage id, .* but found "constructor"/],
];

for (const [args, message] of BAD_OTHERS) {
  Deno.test(`${args[0]} exits 2 with a clear message for ${args.slice(1).join(" ")}`, async () => {
    const repo = await makeToyRepo();
    const r = await repo.run(args);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    await repo.dispose();
  });
}

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

Deno.test("bad --out and --dag paths exit 2 naming the flag, before anything is written", async () => {
  const repo = await makeToyRepo();
  const main = fileURLToPath(new URL("./main.ts", import.meta.url));
  const dag = join(repo.root, "dag.ts");
  const file = join(repo.root, "a-file");
  await Deno.writeTextFile(file, "");
  const missing = join(repo.root, "missing");
  const notes = join(repo.root, "notes.md");
  await Deno.writeTextFile(notes, "# Notes\n\nNot a module.\n");
  const cli = async (...args: string[]) => {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", main, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: r.code, stderr: new TextDecoder().decode(r.stderr) };
  };
  const bad: [string[], RegExp][] = [
    [
      ["run", "--dag", dag, "--out", file],
      /Expected --out to be a folder but ".*a-file" is a file/,
    ],
    [
      ["run", "--dag", dag, "--out", join(file, "sub"), "--dry-run"],
      /Expected --out to be a folder but ".*a-file\/sub" cannot be one \(Not a directory/,
    ],
    [["verify", "--out", file], /Expected --out to be a folder but ".*a-file" is a file/],
    [
      ["verify", "--out", missing],
      /Expected --out to be an existing folder but ".*missing" does not/,
    ],
    [["gc", "--dag", dag, "--out", missing], /Expected --out to be an existing folder but/],
    // verify and gc --yes change out/ (a lock at least): a folder nobody can write (Linux's /proc,
    // where not even root can create a file) is refused before they start
    ...(Deno.build.os === "linux"
      ? [
        [["verify", "--out", "/proc"], /Expected --out to be a folder that can be written but/],
        [
          ["gc", "--yes", "--dag", dag, "--out", "/proc"],
          /Expected --out to be a folder that can be written but "\/proc"/,
        ],
      ] as [string[], RegExp][]
      : []),
    [
      ["run", "--dag", notes, "--dry-run"],
      /Expected --dag to name a TypeScript or JavaScript module file but ".*notes\.md" is not one/,
    ],
    [
      ["run", "--dag", repo.root, "--dry-run"],
      /Expected --dag to name a TypeScript or JavaScript module file but ".*" is not one/,
    ],
  ];
  for (const [args, message] of bad) {
    const r = await cli(...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /); // no stack trace
  }
  assert.equal(await Deno.stat(missing).then(() => true, () => false), false);
  // a run stopped by a bad argument leaves no new --out behind
  const bad2 = await cli("run", "--dag", dag, "--out", missing, "--scale", "bogus");
  assert.equal(bad2.code, 2, bad2.stderr);
  assert.equal(await Deno.stat(missing).then(() => true, () => false), false);
  // commands that only read may name a folder that is not there yet, and do not create it
  assert.equal((await cli("dag", "--dag", dag, "--out", missing)).code, 0);
  assert.equal((await cli("run", "--dag", dag, "--out", missing, "--dry-run")).code, 0);
  assert.equal(await Deno.stat(missing).then(() => true, () => false), false);
  await repo.dispose();
});

Deno.test("key prints one hash over the selected stages' keys; targets select like --only", async () => {
  const repo = await makeToyRepo();
  const key = async (...args: string[]) => {
    const r = await repo.run(["key", ...args]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  const totals = await key("--only", "totals");
  assert.match(totals, /^[0-9a-f]{64}$/);
  assert.equal(await key("totals"), totals);
  assert.equal(await key("sum"), totals); // the target "totals" is the stage "sum"
  assert.notEqual(await key(), totals);
  assert.notEqual(await key("totals", "--set", "double.factor=3"), totals);
  await repo.dispose();
});

Deno.test("gc lists entries no scale reaches and deletes them only with --yes", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", "--only", "other"])).code, 0);
  assert.equal((await repo.run(["run", "--only", "other", "--set", "other.x=2"])).code, 0);
  const list = await repo.run(["gc"]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stderr, /unreachable [0-9a-f]{12} other/);
  assert.match(list.stderr, /1 entry unreachable, .* to free \(run gc --yes to delete\)/);
  const again = await repo.run(["gc"]);
  assert.match(again.stderr, /1 entry /);
  // checkpoints: one of a key no scale reaches (an abandoned variant), one of a reachable key that
  // has no entry yet (an interrupted run, which the next run resumes from)
  const [slow] = await repo.plan(["--only", "slow"]);
  const abandoned = "ab".repeat(32);
  for (const key of [abandoned, slow.key]) {
    await Deno.mkdir(join(repo.out, "work", key), { recursive: true });
    await Deno.writeFile(join(repo.out, "work", key, "checkpoint.bin"), new Uint8Array(1000));
  }
  const listed = await repo.run(["gc"]);
  assert.match(listed.stderr, /unreachable work\/abababababab \(1000 bytes\)/);
  assert.match(listed.stderr, /1 entry and 1 work folder \(checkpoints\) unreachable, /);
  assert.doesNotMatch(listed.stderr, new RegExp(`work/${slow.key.slice(0, 12)}`));
  const del = await repo.run(["gc", "--yes"]);
  assert.match(del.stderr, /deleted [0-9a-f]{12} other/);
  assert.match(del.stderr, /deleted work\/abababababab/);
  assert.match(
    (await repo.run(["gc"])).stderr,
    /^nothing unreachable: every cache entry and checkpoint is kept$/m,
  );
  assert.equal(await Deno.stat(join(repo.out, "work", abandoned)).then(() => 1, () => 0), 0);
  assert.ok((await Deno.stat(join(repo.out, "work", slow.key))).isDirectory);
  const [other] = await repo.plan(["--only", "other"]);
  assert.equal(other.status, "cached");
  // gc keeps the variant it is given as well as the preset: both other entries stay
  assert.equal((await repo.run(["run", "--only", "other", "--set", "other.x=2"])).code, 0);
  const both = await repo.run(["gc", "--set", "other.x=2"]);
  assert.equal(both.code, 0, both.stderr);
  assert.match(both.stderr, /^nothing unreachable/m);
  assert.doesNotMatch(both.stderr, /gc --yes/);
  assert.match((await repo.run(["gc"])).stderr, /^1 entry unreachable/m); // the variant's
  // gc runs nothing and does not check param values (run refuses other.x=-1 with exit 2); the
  // preset's entry stays, the x = 2 variant's does not
  const unchecked = await repo.run(["gc", "--set", "other.x=-1"]);
  assert.equal(unchecked.code, 0, unchecked.stderr);
  assert.match(unchecked.stderr, /unreachable [0-9a-f]{12} other/);
  assert.match(unchecked.stderr, /^1 entry unreachable/m);
  assert.equal((await repo.run(["gc", "--yes"])).code, 0);
  // a --set of a stage that only one scale has keeps that variant; one of no scale's stage exits 2
  const tiny = ["--only", "tiny", "--set", "tiny.k=2"];
  assert.equal((await repo.run(["run", "--scale", "smoke", ...tiny])).code, 0);
  assert.match((await repo.run(["gc"])).stderr, /unreachable [0-9a-f]{12} tiny/);
  const kept = await repo.run(["gc", "--set", "tiny.k=2"]);
  assert.equal(kept.code, 0, kept.stderr);
  assert.doesNotMatch(kept.stderr, /tiny/);
  const nowhere = await repo.run(["gc", "--set", "tinier.k=2"]);
  assert.equal(nowhere.code, 2, nowhere.stderr);
  assert.match(nowhere.stderr, /Unknown stage "tinier" in --set "tinier\.k=2"$/m);
  // a misspelt stage of any scale is suggested (tiny is a smoke-scale stage)
  const typo = await repo.run(["gc", "--set", "tinx.k=2"]);
  assert.equal(typo.code, 2, typo.stderr);
  assert.match(
    typo.stderr,
    /Unknown stage "tinx" in --set "tinx\.k=2" \(did you mean "tiny"\?\)$/m,
  );
  await repo.dispose();
});

Deno.test("dag prints the selected stages with status and inputs, as text, DOT or Mermaid", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", "--only", "source"])).code, 0);
  const text = await repo.run(["dag", "totals"]);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(
    text.stdout,
    [
      "DAG (scale default, ep cpu): 3 stages, 2 to run",
      "  cached  source",
      "  run     double",
      "            <- source",
      "  run     sum",
      "            <- double",
      "",
    ].join("\n"),
  );
  const dot = await repo.run(["dag", "--format", "dot"]);
  assert.equal(dot.code, 0, dot.stderr);
  assert.match(
    dot.stdout,
    /"source" -> "double";\n {2}"double" -> "sum";\n {2}"failing" -> "after-failing";/,
  );
  const mermaid = await repo.run(["dag", "--group", "--format", "mermaid", "totals"]);
  assert.equal(mermaid.code, 0, mermaid.stderr);
  assert.match(mermaid.stdout, /n0\["dag\.ts \(3 stages: source … sum\)<br\/>2 run, 1 cached"\]/);
  const bad = await repo.run(["dag", "--format", "svg"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Expected --format to be text, dot or mermaid but found "svg"/);
  await repo.dispose();
});

// Deno throws NotFound synchronously from output() when the program is missing
async function hasProgram(name: string, args: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(name, { args, stdout: "null", stderr: "null" }).output())
      .success;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
const hasDot = await hasProgram("dot", ["-V"]);

Deno.test({
  name: "dag --format dot is read by Graphviz (where dot is installed)",
  ignore: !hasDot,
  fn: async () => {
    const repo = await makeToyRepo();
    const r = await repo.run(["dag", "--format", "dot"]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes('tooltip="writes \\"x\\" and \\\\ its label\\nsecond line"'));
    const child = new Deno.Command("dot", { args: ["-Tsvg"], stdin: "piped", stdout: "piped" })
      .spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(r.stdout));
    await writer.close();
    const out = await child.output();
    assert.ok(out.success);
    const svg = new TextDecoder().decode(out.stdout);
    assert.equal(svg.match(/class="node"/g)?.length, 7);
    assert.equal(svg.match(/class="edge"/g)?.length, 3);
    await repo.dispose();
  },
});

Deno.test("show prints a stage's params after --set, its status and its cache entry", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", "--only", "other", "--set", "other.x=2"])).code, 0);
  const r = await repo.run(["show", "other", "--set", "other.x=2", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const [other] = JSON.parse(r.stdout).stages;
  assert.equal(other.id, "other");
  assert.equal(other.status, "cached");
  assert.deepEqual(other.params, { x: 2, label: "a" });
  assert.deepEqual(other.overridden, [{ param: "x", preset: 1, value: 2 }]);
  assert.deepEqual(other.entry.files, [{ path: "other.txt", size: 4 }]);
  assert.deepEqual(other.code.files, ["dag.ts", "helper.ts"]);
  const text = await repo.run(["show", "other"]);
  assert.equal(text.code, 0, text.stderr);
  assert.ok(
    text.stdout.startsWith(
      'other\n  writes "x" and \\ its label\n  second line\n  status     run (param x: 2 -> 1)\n',
    ),
    text.stdout,
  );
  assert.match(text.stdout, /\n {4}x {5}= 1\n {4}label = "a"\n?$/);
  const all = await repo.run(["show", "totals", "*fail*"]);
  assert.deepEqual(
    [...all.stdout.matchAll(/^(\S+)$/gm)].map((m) => m[1]),
    ["sum", "failing", "after-failing"],
  );
  const bad = await repo.run(["show", "nothing"]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /Expected a stage id, a pattern of stage ids with \* or a target \(all, totals\) but found "nothing"/,
  );
  await repo.dispose();
});

Deno.test("run --force reruns the named stage only; dag and show say so", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", "totals"])).code, 0);
  const dag = await repo.run(["dag", "totals", "--force", "double"]);
  assert.match(
    dag.stdout,
    /1 to run\n {2}cached {2}source\n {2}run {5}double\n.*\n {2}cached {2}sum\n/,
  );
  const show = await repo.run(["show", "double", "--force", "double"]);
  assert.match(show.stdout, /\n {2}status {5}run \(forced with --force\)\n/);
  const r = await repo.run(["run", "totals", "--force", "double"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await repo.runs(), { source: 1, double: 2, sum: 1 });
  // like --only, --force takes patterns and targets (a target's own stages, not its ancestors)
  // "s*" also matches slow, which totals does not select: a pattern forces what is selected
  const pattern = await repo.run(["dag", "totals", "--force", "s*"]);
  assert.match(
    pattern.stdout,
    /2 to run\n {2}run {5}source\n {2}cached {2}double\n.*\n {2}run {5}sum\n/,
  );
  assert.equal((await repo.run(["run", "totals", "--force", "totals"])).code, 0);
  assert.deepEqual(await repo.runs(), { source: 1, double: 2, sum: 2 });
  await repo.dispose();
});
