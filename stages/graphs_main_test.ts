// `deno task graphs`: its command line, that every stage module that trains has a plan (and no
// other does), and that the catalog holds each distinct graph once with every stage that uses it.
import assert from "node:assert/strict";
import { CodeHasher, UsageError } from "../pipeline/mod.ts";
import { serializeModel } from "../models/onnx/mod.ts";
import { catalog, moduleFile, parseGraphsArgs, PLANS, writeCatalog } from "./graphs_main.ts";
import { pipeline, scales } from "./mod.ts";
import { resnetPlan } from "./_resnet_train.ts";
import { planGraphs } from "./_run_graphs.ts";

Deno.test("parseGraphsArgs() takes --out, --scale and repeated --set, or --help", () => {
  assert.deepEqual(parseGraphsArgs(["--out", "/tmp/g"]), {
    help: false,
    out: "/tmp/g",
    scale: "default",
    sets: [],
  });
  assert.deepEqual(
    parseGraphsArgs(["--out=/tmp/g", "--scale", "smoke", "--set", "a.b=1", "--set", "c.d=2"]),
    { help: false, out: "/tmp/g", scale: "smoke", sets: ["a.b=1", "c.d=2"] },
  );
  assert.deepEqual(parseGraphsArgs(["-h"]), { help: true });
});

Deno.test("parseGraphsArgs() rejects a missing --out, an unknown scale, unknown flags and positionals", () => {
  assert.throws(() => parseGraphsArgs([]), /Expected "--out DIR"/);
  assert.throws(() => parseGraphsArgs(["--out"]), UsageError);
  assert.throws(
    () => parseGraphsArgs(["--out", "x", "--scale", "huge"]),
    /Expected --scale to be one of smoke, default, paper but found "huge"/,
  );
  assert.throws(() => parseGraphsArgs(["--outdir", "x"]), /Unknown option '--outdir'/);
  assert.throws(() => parseGraphsArgs(["/tmp/g"]), UsageError);
});

Deno.test("every stage module whose code runs the trainer has a plan in PLANS, and no other", () => {
  const hasher = new CodeHasher(new URL("..", import.meta.url).pathname);
  const modules = new Map<string, string>();
  for (const scale of scales) {
    for (const s of pipeline({ scale, ep: "cpu" }).stages) modules.set(moduleFile(s), s.module);
  }
  const training = [...modules].filter(([, url]) =>
    "models/train/trainer.ts" in hasher.fingerprint(url).files
  ).map(([file]) => file).sort();
  assert.deepEqual(training, Object.keys(PLANS).sort());
});

Deno.test("catalog() holds each distinct graph once, named after its first stage, with every stage that builds it", async () => {
  const graphs = await catalog("smoke");
  const files = graphs.map((g) => g.file);
  assert.equal(new Set(files).size, files.length, "file names are unique");
  assert.equal(new Set(graphs.map((g) => g.sha256)).size, graphs.length, "no graph twice");
  const smoke = pipeline({ scale: "smoke", ep: "cpu" }).stages;
  const fig3 = smoke.filter((s) => s.id.startsWith("fig3-")).map((s) => s.id);
  assert.ok(fig3.length >= 2);
  const train = graphs.find((g) => g.file === `${fig3[0]}.train`)!;
  assert.deepEqual(train.usedBy, fig3); // σ and seed change the init, not the graph
  // the run's own plan gives these bytes
  const plan = resnetPlan(smoke.find((s) => s.id === fig3[0])!.params as never);
  assert.deepEqual(serializeModel(planGraphs(plan)[0].build()), train.bytes);
  // every stage that trains appears in some graph's usedBy
  const users = new Set(graphs.flatMap((g) => g.usedBy));
  for (const s of smoke.filter((s) => moduleFile(s) in PLANS)) assert.ok(users.has(s.id), s.id);
  for (const g of graphs.filter((g) => g.role === "train")) {
    const outputs = new Set(g.outputs.map((v) => v.name));
    const params = g.inputs.filter((v) => v.name.endsWith(".weight") || v.name.endsWith(".bias"));
    assert.ok(params.length >= 2, g.file);
    for (const p of params) assert.ok(outputs.has(`${p.name}_next`), `${g.file}: ${p.name}`);
    assert.ok(outputs.has("loss"), g.file);
  }
  assert.deepEqual(
    [...new Set(graphs.map((g) => g.role))].sort(),
    ["eval", "ntk", "train"],
  );
});

Deno.test("catalog() applies --set overrides: a wider ResNet gives other graphs", async () => {
  const base = await catalog("smoke");
  const wide = await catalog("smoke", ["fig3-*.width=0.125"]);
  const sha = (gs: typeof base) =>
    gs.find((g) => g.file.startsWith("fig3-") && g.role === "train")!.sha256;
  assert.notEqual(sha(wide), sha(base));
  await assert.rejects(() => catalog("smoke", ["fig3-*.depth=3"]), UsageError);
});

Deno.test("writeCatalog() writes each graph's ONNX bytes and a sidecar whose SHA-256 matches them", async () => {
  const dir = await Deno.makeTempDir();
  const graphs = (await catalog("smoke")).filter((g) => g.file.startsWith("theory-vs-gd"));
  assert.ok(graphs.length >= 2);
  await writeCatalog(dir, graphs, "smoke");
  for (const g of graphs) {
    const bytes = await Deno.readFile(`${dir}/${g.file}.onnx`);
    const side = JSON.parse(await Deno.readTextFile(`${dir}/${g.file}.json`));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    assert.equal(side.sha256, Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""));
    assert.deepEqual(side.usedBy, ["theory-vs-gd"]);
    assert.equal(side.inputs[0].name, "x");
  }
  assert.deepEqual(
    (await Array.fromAsync(Deno.readDir(dir))).filter((e) => e.name.endsWith(".tmp")),
    [],
  );
  await Deno.remove(dir, { recursive: true });
});
