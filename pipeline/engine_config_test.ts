// `--config KEY=VALUE` through the command line, on the toy DAG, whose config's extras.names adds
// one stage per name (pipeline/testdata/toy/dag.ts).
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeToyRepo } from "./testdata/toy_repo.ts";

const TWO = 'extras.names=["e1","e2"]';

Deno.test("run --config adds the stages the config declares, and the workers build them too", async () => {
  const repo = await makeToyRepo();
  try {
    assert.equal((await repo.run(["run", "--dry-run"])).code, 0);
    const plan = await repo.plan(["--config", TWO]);
    assert.deepEqual(plan.filter((p) => p.id.startsWith("extra-")).map((p) => p.id), [
      "extra-e1",
      "extra-e2",
    ]);
    const r = await repo.run(["run", "--config", TWO, "extra-e1", "extra-e2"]);
    // a worker that built the DAG without the config would not find extra-e1
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /scale default, ep cpu, config extras\.names=\["e1","e2"\]: 2 stages/);
    const manifest = JSON.parse(await Deno.readTextFile(join(repo.out, "manifest.json")));
    assert.deepEqual(manifest.config, { extras: { names: ["e1", "e2"], note: "" } });
    assert.deepEqual(manifest.configOverrides, [TWO]);
    assert.deepEqual(await repo.runs(), { "extra-e1": 1, "extra-e2": 1 });
    // the same config again: cached; another name: only its stage runs; a string takes its text
    assert.deepEqual((await repo.plan(["--config", TWO, "extra-e1"])).map((p) => p.status), [
      "cached",
    ]);
    const three = await repo.plan(["--config", 'extras.names=["e1","e3"]', "--only", "extra-*"]);
    assert.deepEqual(three.map((p) => [p.id, p.status]), [["extra-e1", "cached"], [
      "extra-e3",
      "run",
    ]]);
    const noted = await repo.plan(["--config", TWO, "--config", "extras.note=a b", "extra-e1"]);
    assert.deepEqual(noted.map((p) => p.status), ["run"]);
    // without --config the DAG has no such stage
    const plain = await repo.run(["run", "--dry-run", "extra-e1"]);
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /found "extra-e1"/);
  } finally {
    await repo.dispose();
  }
});

Deno.test("dag, show and key take --config; the key of the plan changes with it", async () => {
  const repo = await makeToyRepo();
  try {
    const dag = await repo.run(["dag", "--config", TWO]);
    assert.equal(dag.code, 0, dag.stderr);
    assert.match(dag.stdout, /^DAG \(scale default, ep cpu, config extras\.names=\["e1","e2"\]\)/);
    assert.match(dag.stdout, /extra-e2/);
    const show = await repo.run(["show", "--config", TWO, "extra-e2"]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^extra-e2\n/);
    const key = async (args: string[]) => (await repo.run(["key", ...args])).stdout.trim();
    assert.match(await key([]), /^[0-9a-f]{64}$/);
    assert.notEqual(await key(["--config", TWO]), await key([]));
    assert.equal(await key(["--config", "extras.names=[]"]), await key([]));
  } finally {
    await repo.dispose();
  }
});

Deno.test("config prints the module's config after --config as JSON, a line per value", async () => {
  const repo = await makeToyRepo();
  try {
    const plain = await repo.run(["config"]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout, '{\n  "extras": {\n    "names": [],\n    "note": ""\n  }\n}\n');
    const two = await repo.run(["config", "--scale", "smoke", "--config", TWO]);
    assert.deepEqual(JSON.parse(two.stdout), { extras: { names: ["e1", "e2"], note: "" } });
    assert.match(two.stdout, /^ {4}"names": \["e1","e2"\],$/m);
    for (
      const [args, message] of [
        [["--config", 'extras.names=["A"]'], /to be a list of lowercase names/],
        // checked as for run: a param the config makes that the stage cannot take
        [["--config", 'extras.names=["e1"]', "--config", "extras.note=bad"], /to be not "bad"/],
        [
          ["--set", "other.x=1"],
          /Expected --set only with run, gc, key, dag, show, diff but found it with "config"/,
        ],
        [["x"], /Expected no targets for "config" but found "x"/],
      ] as const
    ) {
      const bad = await repo.run(["config", ...args]);
      assert.equal(bad.code, 2, args.join(" "));
      assert.match(bad.stderr, message, args.join(" "));
    }
  } finally {
    await repo.dispose();
  }
});

Deno.test("gc keeps what --config reaches only when given it", async () => {
  const repo = await makeToyRepo();
  try {
    assert.equal((await repo.run(["run", "--config", TWO, "extra-e1", "extra-e2"])).code, 0);
    const listed = await repo.run(["gc"]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stderr, /^2 entries unreachable/m);
    const kept = await repo.run(["gc", "--config", TWO]);
    assert.match(kept.stderr, /^nothing unreachable/m);
    assert.equal((await repo.run(["gc", "--yes", "--config", 'extras.names=["e1"]'])).code, 0);
    assert.deepEqual(
      (await repo.plan(["--config", TWO, "--only", "extra-*"])).map((p) => p.status),
      ["cached", "run"],
    );
  } finally {
    await repo.dispose();
  }
});

const BAD: [string[], RegExp][] = [
  [
    ["--config", "extras.name=[]"],
    /^error: Unknown config key "extras\.name" in --config "extras\.name=\[\]" \(did you mean "extras\.names"\?\)$/m,
  ],
  [
    ["--config", "extra.x=1"],
    /Unknown config key "extra\.x" in --config "extra\.x=1" \(its keys: extras, extras\.names, extras\.note\)$/m,
  ],
  [["--config", "extras"], /Expected --config in the form key=value but found "extras"$/m],
  [["--config", "extras..names=[]"], /Expected --config in the form key=value/],
  [
    ["--config", "extras={}"],
    /Expected --config "extras=\{\}" to name a value, but "extras" holds keys/,
  ],
  [
    ["--config", "extras.names.x=1"],
    /Unknown config key "extras\.names\.x" .* \("extras\.names" holds no keys\)$/m,
  ],
  [
    ["--config", "extras.names=3"],
    /Expected --config extras\.names to be an array but found a number, 3$/m,
  ],
  [
    ["--config", "extras.names=[1e999]"],
    /Expected --config extras\.names to hold finite numbers only/,
  ],
  [
    ["--config", 'extras.names=["A"]'],
    /^error: Expected --config extras\.names to be a list of lowercase names but found \["A"\]$/m,
  ],
  // a param that the config makes is checked as one --set makes, and says where it came from
  [
    ["--config", 'extras.names=["e1"]', "--config", "extras.note=bad"],
    /^error: Expected extra-e1\.note to be not "bad" but found "bad" \(as the DAG module sets it with --config extras\.names=\["e1"\] extras\.note=bad\)$/m,
  ],
];

Deno.test("bad --config values exit 2 naming the key and what was expected", async () => {
  const repo = await makeToyRepo();
  try {
    await Deno.mkdir(repo.out); // gc needs an out/ to look after
    for (const [args, message] of BAD) {
      // gc checks no param values (it runs nothing), only the config's keys, kinds and values
      const judged = /to be not/.test(message.source);
      for (const command of [["run", "--dry-run"], ["show"], ...(judged ? [] : [["gc"]])]) {
        const r = await repo.run([...command, ...args]);
        assert.equal(r.code, 2, `${command} ${args.join(" ")}: ${r.stderr}`);
        assert.match(r.stderr, message, `${command} ${args.join(" ")}`);
      }
    }
    const verify = await repo.run(["verify", "--config", TWO]);
    assert.equal(verify.code, 2);
    assert.match(
      verify.stderr,
      /Expected --config only with run, gc, key, dag, show, diff, config/,
    );
  } finally {
    await repo.dispose();
  }
});

Deno.test("--config with a DAG module that exports no config() exits 2 saying so", async () => {
  const main = fileURLToPath(new URL("./main.ts", import.meta.url));
  const dag = fileURLToPath(new URL("./testdata/publish_dag.ts", import.meta.url));
  const engine = async (...args: string[]) => {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", main, ...args, "--dag", dag, "--out", "/nonexistent/out"],
      env: { PUBLISH_DAG_PATHS: "x.png" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: r.code, stderr: new TextDecoder().decode(r.stderr) };
  };
  const run = await engine("run", "--dry-run", "--config", "a.b=1");
  assert.equal(run.code, 2);
  assert.match(
    run.stderr,
    /Expected the DAG module to export config\(\) for --config "a\.b=1", but "\/.*publish_dag\.ts" exports none/,
  );
  const printed = await engine("config");
  assert.equal(printed.code, 2);
  assert.match(
    printed.stderr,
    /Expected the DAG module to export config\(\), but "\/.*publish_dag\.ts" exports none/,
  );
});
