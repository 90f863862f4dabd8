import assert from "node:assert/strict";
import { join } from "node:path";
import { makeToyRepo, type ToyRepo, waitFor } from "./testdata/toy_repo.ts";

async function tmpEntries(out: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(join(out, "cache", ".tmp"))) names.push(e.name);
  } catch { /* none yet */ }
  return names;
}

/** Waits until the toy's slow stage has written half its output (then it holds on TOY_HOLD). */
function slowHalfWritten(out: string): Promise<void> {
  return waitFor(async () => {
    for (const t of await tmpEntries(out)) {
      const text = await Deno.readTextFile(join(out, "cache", ".tmp", t, "files", "big.txt"))
        .catch(() => "");
      if (text.includes("line 1")) return true;
    }
    return false;
  }, "the slow stage to write half its output");
}

Deno.test("run killed with SIGKILL mid-write leaves no trusted entry; the next run redoes the stage", async () => {
  const repo = await makeToyRepo();
  const hold = join(repo.root, "hold");
  await Deno.writeTextFile(hold, "");
  const child = repo.spawn(["run", "--only", "slow"], { TOY_HOLD: hold });
  await slowHalfWritten(repo.out);
  child.kill("SIGKILL");
  await child.status;
  child.stdout.cancel();
  child.stderr.cancel();
  const [slow] = await repo.plan(["--only", "slow"]);
  assert.equal(slow.status, "run");
  assert.equal(slow.reason, "new stage (never built)");
  // the half-written entry is a leftover verify removes, not a corrupt entry (exit 0)
  const v = await repo.run(["verify"]);
  assert.equal(v.code, 0, v.stderr);
  assert.match(
    v.stderr,
    /incomplete [0-9a-f]{64}\.\d+\.\w+ \(left by an interrupted run\); removed/,
  );
  assert.match(v.stderr, /0 entries intact, 0 corrupt; 1 leftover of interrupted runs removed/);
  assert.deepEqual(await tmpEntries(repo.out), []);
  await Deno.remove(hold);
  const r = await repo.run(["run", "--only", "slow"]);
  assert.equal(r.code, 0, r.stderr);
  const text = await Deno.readTextFile(join(repo.out, "cache", slow.key, "files", "big.txt"));
  assert.equal(text, "line 0\nline 1\nline 2\nline 3\n");
  assert.deepEqual(await tmpEntries(repo.out), []);
  assert.equal((await repo.run(["verify"])).code, 0);
  await repo.dispose();
});

Deno.test("run deletes what an interrupted run left in cache/.tmp before it starts", async () => {
  const repo = await makeToyRepo();
  const left = join(repo.out, "cache", ".tmp", `${"a".repeat(64)}.1.0000abcd`, "files");
  await Deno.mkdir(left, { recursive: true });
  await Deno.writeTextFile(join(left, "half.txt"), "half");
  const r = await repo.run(["run", "--only", "other"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await tmpEntries(repo.out), []);
  await repo.dispose();
});

Deno.test("verify catches a flipped byte that kept size and mtime; the stage then reruns", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", "--only", "other"])).code, 0);
  const [other] = await repo.plan(["--only", "other"]);
  const file = join(repo.out, "cache", other.key, "files", "other.txt");
  const before = await Deno.stat(file);
  await Deno.chmod(file, 0o644);
  const bytes = await Deno.readFile(file);
  bytes[0] ^= 0x01;
  await Deno.writeFile(file, bytes);
  await Deno.utime(file, before.atime!, before.mtime!); // defeat the quick size+mtime check
  const v = await repo.run(["verify"]);
  assert.equal(v.code, 1);
  assert.match(v.stderr, /corrupt .*"other\.txt" has SHA-256 .* expected/);
  const [again] = await repo.plan(["--only", "other"]);
  assert.equal(again.status, "run");
  assert.equal(
    again.reason,
    "cache entry quarantined as corrupt by verify (moved to cache/.corrupt/)",
  );
  assert.equal((await repo.run(["run", "--only", "other"])).code, 0);
  assert.equal((await repo.runs()).other, 2);
  assert.equal(
    await Deno.readTextFile(join(repo.out, "cache", other.key, "files", "other.txt")),
    "1 a\n",
  );
  assert.equal((await repo.run(["verify"])).code, 0);
  // the rebuilt entry, deleted by hand, is missing, not quarantined (the quarantined copy is older)
  await Deno.remove(join(repo.out, "cache", other.key), { recursive: true });
  const [deleted] = await repo.plan(["--only", "other"]);
  assert.equal(deleted.reason, "cache entry missing (deleted or garbage-collected)");
  await repo.dispose();
});

Deno.test("run notices an edited cached file without verify and reruns the stage", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", "--only", "other"])).code, 0);
  const [other] = await repo.plan(["--only", "other"]);
  const file = join(repo.out, "cache", other.key, "files", "other.txt");
  await Deno.chmod(file, 0o644);
  await Deno.writeTextFile(file, "2 a\n");
  const [edited] = await repo.plan(["--only", "other"]);
  assert.equal(edited.status, "run");
  assert.match(edited.reason, /cache entry is corrupt: "other\.txt" has SHA-256/);
  await repo.dispose();
});

Deno.test("run and verify reject an entry holding a file or a symlink no stage wrote", async () => {
  const repo = await makeToyRepo();
  assert.equal((await repo.run(["run", "--only", "other"])).code, 0);
  const [other] = await repo.plan(["--only", "other"]);
  const files = join(repo.out, "cache", other.key, "files");
  await Deno.symlink(join(repo.root, "helper.ts"), join(files, "link"));
  const [linked] = await repo.plan(["--only", "other"]);
  assert.equal(linked.status, "run");
  assert.match(
    linked.reason,
    /cache entry is corrupt: Expected only files and directories .*"link"/,
  );
  const v = await repo.run(["verify"]);
  assert.equal(v.code, 1, v.stderr);
  assert.match(v.stderr, /corrupt [0-9a-f]{12} \(Expected only files and directories .*"link"\)/);
  assert.match(v.stderr, /0 entries intact, 1 corrupt/);
  assert.equal((await repo.run(["run", "--only", "other"])).code, 0);
  await Deno.writeTextFile(join(files, "extra.txt"), "x");
  const [extra] = await repo.plan(["--only", "other"]);
  assert.match(extra.reason, /cache entry is corrupt: "extra\.txt" is not in the manifest/);
  await repo.dispose();
});

Deno.test("two concurrent runs on one out/ do not corrupt it and build each stage once", async () => {
  const repo = await makeToyRepo();
  const hold = join(repo.root, "hold");
  await Deno.writeTextFile(hold, "");
  const args = ["run", "--only", "totals,slow"];
  const first = repo.spawn(args, { TOY_HOLD: hold });
  await waitFor(async () => (await tmpEntries(repo.out)).length > 0, "the first run to start");
  const second = repo.spawn(args, { TOY_HOLD: hold });
  let err = "";
  const reading = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of second.stderr) err += dec.decode(chunk);
  })();
  // the first run holds the lock until `hold` goes; release it only once the second waits for it
  // (a fixed pause raced with the second's start on a loaded machine)
  await waitFor(
    () => Promise.resolve(/Waiting for .* held by pid \d+ \(run, since/.test(err)),
    "the second run to wait",
  );
  await Deno.remove(hold);
  const a = await first.output();
  assert.equal(a.code, 0, new TextDecoder().decode(a.stderr));
  assert.equal((await second.status).code, 0, err);
  await second.stdout.cancel();
  await reading;
  assert.match(err, /0 ran, 4 cached/);
  assert.deepEqual(await repo.runs(), { source: 1, double: 1, sum: 1, slow: 1 });
  assert.equal((await repo.run(["verify"])).code, 0);
  await repo.dispose();
});

/** Starts a run of "slow" that holds out/'s lock until the returned `hold` file is removed. */
async function holdOut(repo: ToyRepo): Promise<{ hold: string; first: Deno.ChildProcess }> {
  const hold = join(repo.root, "hold");
  await Deno.writeTextFile(hold, "");
  const first = repo.spawn(["run", "--only", "slow"], { TOY_HOLD: hold });
  await waitFor(async () => (await tmpEntries(repo.out)).length > 0, "the first run to start");
  return { hold, first };
}

Deno.test("run --no-wait stops with a clear message when out/ is in use", async () => {
  const repo = await makeToyRepo();
  const { hold, first } = await holdOut(repo);
  const r = await repo.run(["run", "--only", "other", "--no-wait"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /to be free but it is in use by pid \d+/);
  await Deno.remove(hold);
  assert.equal((await first.output()).code, 0);
  await repo.dispose();
});

Deno.test("verify and gc --yes say that they wait for a run holding out/", async () => {
  const repo = await makeToyRepo();
  const { hold, first } = await holdOut(repo);
  const waiting = /Waiting for .* held by pid \d+ \(run, since/;
  const children = [repo.spawn(["verify"]), repo.spawn(["gc", "--yes"])];
  const said = children.map(() => ({ text: "" }));
  const reading = children.map(async (child, i) => {
    const dec = new TextDecoder();
    for await (const chunk of child.stderr) said[i].text += dec.decode(chunk);
  });
  // the lock is held until `hold` goes, so each says that it waits before it can do anything
  await waitFor(
    () => Promise.resolve(said.every((s) => waiting.test(s.text))),
    "verify and gc to wait",
  );
  await Deno.remove(hold);
  assert.equal((await first.output()).code, 0);
  for (const child of children) {
    assert.equal((await child.status).code, 0);
    await child.stdout.cancel();
  }
  await Promise.all(reading);
  assert.match(said[0].text, /1 entry intact/);
  assert.match(said[1].text, /nothing unreachable: every cache entry and checkpoint is kept/);
  await repo.dispose();
});

Deno.test("run reports bad arguments at once while another run holds out/", async () => {
  const repo = await makeToyRepo();
  const { hold, first } = await holdOut(repo);
  // --no-wait: were the lock taken first, these would stop with exit 1 for the busy out/
  const bad: [string[], RegExp][] = [
    [["--only", "figure9"], /Expected a stage id, .* but found "figure9"/],
    [["--set", "nope.x=1"], /Unknown stage "nope" in --set "nope\.x=1"/],
    [["--scale", "huge"], /Expected --scale to be one of default, smoke but found "huge"/],
    [
      ["--force", "ghost"],
      /Expected --force to name a stage, a pattern of stage ids with \* or a target but found "ghost"/,
    ],
  ];
  for (const [args, message] of bad) {
    const r = await repo.run(["run", ...args, "--no-wait"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /in use/);
  }
  await Deno.remove(hold);
  assert.equal((await first.output()).code, 0);
  await repo.dispose();
});

Deno.test("stages whose code changed after planning are neither cached nor started", async () => {
  const repo = await makeToyRepo();
  // "other" runs first and edits helper.ts, which every toy stage imports; "slow" waits for it
  const r = await repo.run(["run", "--only", "other,slow", "--jobs", "1", "--keep-going"], {
    TOY_EDIT_IN: "other",
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /other .*code changed: helper\.ts after the run was planned, so what/);
  assert.match(
    r.stderr,
    /slow .*code changed: helper\.ts after the run was planned; the stage was not started/,
  );
  assert.deepEqual(await repo.runs(), { other: 1 });
  assert.deepEqual(await tmpEntries(repo.out), []);
  const planned = await repo.plan(["--only", "other,slow"]);
  assert.deepEqual(planned.map((p) => [p.id, p.status]), [["other", "run"], ["slow", "run"]]);
  // the next run plans from the edited code and caches both
  assert.equal((await repo.run(["run", "--only", "other,slow"])).code, 0);
  assert.ok((await repo.plan(["--only", "other,slow"])).every((p) => p.status === "cached"));
  await repo.dispose();
});

Deno.test("Ctrl-C stops the workers, writes the manifest and exits 130; the same command resumes", async () => {
  const repo = await makeToyRepo();
  const hold = join(repo.root, "hold");
  await Deno.writeTextFile(hold, "");
  // one stage at a time in the plan's order: source, double, sum, other, then slow, which holds;
  // failing and after-failing are still waiting when the interrupt comes
  const args = ["run", "--jobs", "1", "--only", "sum,other,slow,after-failing"];
  const child = repo.spawn(args, { TOY_HOLD: hold });
  await slowHalfWritten(repo.out);
  // the runner alone, as `kill -INT PID` does: it must stop its worker itself
  child.kill("SIGINT");
  const [status, stdout, stderr] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  const all = stdout + stderr;
  assert.equal(status.code, 130, all);
  assert.match(all, /interrupted: stopping the running stages \(again to quit at once\)/);
  assert.match(
    all,
    /^\d\d:\d\d:\d\d INTERRUPTED: 4 ran, 0 cached, 0 failed, 1 stopped, 2 not started in .*; manifest: .*manifest\.json; the same command resumes/m,
  );
  assert.doesNotMatch(all, /--- last lines of/); // not reported as a failure
  const manifest = JSON.parse(await Deno.readTextFile(join(repo.out, "manifest.json")));
  const status_ = Object.fromEntries(
    manifest.stages.map((s: { id: string; status: string; detail?: string }) => [
      s.id,
      `${s.status}${s.detail ? ` (${s.detail})` : ""}`,
    ]),
  );
  assert.deepEqual(status_, {
    source: "ran",
    double: "ran",
    sum: "ran",
    other: "ran",
    slow: "skipped (interrupted)",
    failing: "skipped (not started: interrupted)",
    "after-failing": "skipped (not started: interrupted)",
  });
  assert.deepEqual(await tmpEntries(repo.out), []); // the killed stage's entry was not kept
  await Deno.remove(hold);
  const again = await repo.run(args);
  assert.equal(again.code, 0, again.stderr);
  // piped, not a terminal: the last line is timestamped like the progress lines
  assert.match(again.stderr, /^\d\d:\d\d:\d\d done: 3 ran, 4 cached, 0 failed, 0 skipped/m);
  assert.deepEqual(await repo.runs(), {
    source: 1,
    double: 1,
    sum: 1,
    other: 1,
    slow: 2,
    failing: 1,
    "after-failing": 1,
  });
  await repo.dispose();
});

Deno.test("a second SIGINT within 0.5 s is the same Ctrl-C (the terminal's and deno task's copy)", async () => {
  const repo = await makeToyRepo();
  const hold = join(repo.root, "hold");
  await Deno.writeTextFile(hold, "");
  // the stage ignores the runner's SIGTERM, so the run waits for it until a real second Ctrl-C
  const child = repo.spawn(["run", "--only", "slow"], { TOY_HOLD: hold, TOY_IGNORE_TERM: "1" });
  await slowHalfWritten(repo.out);
  child.kill("SIGINT");
  await new Promise((r) => setTimeout(r, 20)); // deno task's copy comes 1-2 ms later; sent at once, two would merge
  child.kill("SIGINT");
  const exited = await Promise.race([
    child.status.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 1200)),
  ]);
  assert.equal(exited, false, "the copy was taken for a second Ctrl-C");
  child.kill("SIGINT"); // a second Ctrl-C 1.2 s later quits at once
  // were the runner to wait for the stage anyway, the stage ends after 10 s and the test fails
  const release = setTimeout(() => Deno.remove(hold).catch(() => {}), 10_000);
  const [status, stdout, stderr] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  clearTimeout(release);
  assert.doesNotMatch(stderr, /INTERRUPTED:/); // it did not wait to record the run
  assert.equal(status.code, 130, stdout + stderr);
  assert.equal(stderr.match(/interrupted: stopping the running stages/g)?.length, 1, stderr);
  await Deno.remove(hold).catch(() => {});
  // nothing half-written is trusted: the next run redoes the stage
  const [slow] = await repo.plan(["--only", "slow"]);
  assert.equal(slow.status, "run");
  await repo.dispose();
});
