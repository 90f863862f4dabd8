import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeToyRepo } from "./testdata/toy_repo.ts";

// the first word names the command; a word there that is no command is read as a target of run
const BAD_FIRST: [string[], RegExp][] = [
  [["verfy"], /but found "verfy" \(did you mean the command "verify"\?\)$/m],
  [["--dry-run", "shwo"], /but found "shwo" \(did you mean the command "show"\?\)$/m],
  [
    ["frobnicate"],
    /but found "frobnicate" \(nor a command: run, verify, gc, key, dag, show, diff, config\)$/m,
  ],
  [["totls"], /but found "totls" \(did you mean "totals"\?\)$/m], // a target first
  [["run", "verfy"], /but found "verfy"$/m], // a command was given: not its slot
  [
    ["totals", "gc"],
    /but found "gc" \("gc" is a command, which must come first, before any target\)$/m,
  ],
  [
    ["run", "verify"], // as `deno task reproduce verify` gives it
    /but found "verify" \("verify" is a command, but the command here is "run" \("deno task reproduce" starts with it\): write "deno task pipeline verify"\)$/m,
  ],
  [
    ["show", "verify"],
    /but found "verify" \("verify" is a command, but the command here is "show", and a call takes one\)$/m,
  ],
  [["dag", "--only", "show"], /but found "show" \(did you mean "slow"\?\)$/m], // --only: no hint
  [["gcc", "--yes"], /found it with "run" \(did you mean the command "gc"\?\)$/m],
];

for (const [args, message] of BAD_FIRST) {
  Deno.test(`pipeline ${args.join(" ")} exits 2 with a hint about commands`, async () => {
    const repo = await makeToyRepo();
    const r = await repo.run(args);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    await repo.dispose();
  });
}

Deno.test("a --dag that fails to import exits 2 naming the file and line that failed", async () => {
  const repo = await makeToyRepo();
  const main = fileURLToPath(new URL("./main.ts", import.meta.url));
  const write = (name: string, text: string) => Deno.writeTextFile(join(repo.root, name), text);
  await write("syntax.ts", "export const x = ;\n");
  await write("throws.ts", 'import "./thrower.ts";\n');
  await write("thrower.ts", 'export const y = 1;\nthrow new Error("no data here");\n');
  await write("missing.ts", 'import "./nowhere.ts";\n');
  // a missing file beside the engine's own: its message names the engine's folder, and stays
  await write("engine.ts", `import "${new URL("./nowhere.ts", import.meta.url).href}";\n`);
  const cases: [string, RegExp][] = [
    ["syntax.ts", /failed: TypeError: SyntaxError: Expression expected\n[^]*syntax\.ts:1:18$/],
    ["throws.ts", /failed: Error: no data here\n\s+at file:\/\/.*thrower\.ts:2:7$/],
    [
      "missing.ts",
      /failed: TypeError: Module not found ".*nowhere\.ts"\.\n\s+at .*missing\.ts:1:8$/,
    ],
    [
      "engine.ts",
      /failed: TypeError: Module not found ".*pipeline\/nowhere\.ts"\.\n\s+at .*engine\.ts:1:8$/,
    ],
  ];
  for (const [name, message] of cases) {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", main, "run", "--dry-run", "--dag", join(repo.root, name)],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(r.stderr).trimEnd();
    assert.equal(r.code, 2, stderr);
    assert.match(stderr, new RegExp(`^error: Expected --dag ".*${name}" to load but importing`));
    assert.match(stderr, message);
    assert.doesNotMatch(stderr, /pipeline\/(main|load)\.ts/); // no engine frames
    assert.ok(!stderr.includes("\x1b["), stderr); // no colour codes
  }
  await repo.dispose();
});

Deno.test("a --set that names no selected stage is noted, not an error", async () => {
  const repo = await makeToyRepo();
  const idle = await repo.run(["run", "--only", "other", "--set", "double.factor=3", "--dry-run"]);
  assert.equal(idle.code, 0, idle.stderr);
  assert.match(
    idle.stderr,
    /^note: --set double\.factor=3 names none of the stages this run selects$/m,
  );
  const used = await repo.run(["run", "--only", "other", "--set", "other.x=2"]);
  assert.equal(used.code, 0, used.stderr);
  assert.doesNotMatch(used.stderr, /note: --set/);
  // a pattern is idle only if no selected stage it matches has the param
  const pattern = await repo.run(["run", "--only", "sum", "--set", "*.factor=3", "--dry-run"]);
  assert.doesNotMatch(pattern.stderr, /note: --set/); // "double", an ancestor of sum, has it
  await repo.dispose();
});

Deno.test("no arguments print the usage and exit 2, running nothing; --help prints it and exits 0", async () => {
  const main = fileURLToPath(new URL("./main.ts", import.meta.url));
  const cwd = await Deno.makeTempDir();
  const call = async (args: string[]) => {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", main, ...args],
      cwd,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
  };
  const bare = await call([]);
  assert.equal(bare.code, 2, bare.stderr);
  assert.match(bare.stderr, /^Usage: pipeline <command>/);
  assert.match(bare.stderr, /Exit codes: 0 success, .*, 130 interrupted\.$/m);
  assert.equal(bare.stdout, "");
  const help = await call(["--help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: pipeline <command>/);
  assert.deepEqual([...Deno.readDirSync(cwd)], []); // no out/ made, no DAG loaded
  await Deno.remove(cwd, { recursive: true });
});
