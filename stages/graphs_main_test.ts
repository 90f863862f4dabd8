// `deno task graphs`: its command line, that every stage module that trains has a plan (and no
// other does), and that the catalog holds each distinct graph once with every stage that uses it.
import assert from "node:assert/strict";
import { CodeHasher } from "../pipeline/code_hash.ts";
import { UsageError } from "../pipeline/errors.ts";
import { catalog, parseGraphsArgs, PLANS, writeCatalog } from "./graphs_main.ts";
import { moduleFile } from "./_params.ts";
import { pipeline, scales } from "./mod.ts";

Deno.test("parseGraphsArgs() takes --out, --scale and repeated --set and --config, or --help", () => {
  assert.deepEqual(parseGraphsArgs(["--out", "/tmp/g"]), {
    help: false,
    out: "/tmp/g",
    scale: "default",
    sets: [],
    config: [],
  });
  assert.deepEqual(
    parseGraphsArgs([
      ...["--out=/tmp/g", "--scale", "smoke", "--set", "a.b=1", "--set", "c.d=2"],
      ...["--config", "figure3.width=0.5"],
    ]),
    {
      help: false,
      out: "/tmp/g",
      scale: "smoke",
      sets: ["a.b=1", "c.d=2"],
      config: ["figure3.width=0.5"],
    },
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
    hasher.files(url).includes("models/train/trainer.ts")
  ).map(([file]) => file).sort();
  assert.deepEqual(training, Object.keys(PLANS).sort());
});

Deno.test("catalog() holds each distinct graph once, named after its first stage, with every stage that builds it", () => {
  const graphs = catalog("smoke");
  const files = graphs.map((g) => g.file);
  assert.equal(new Set(files).size, files.length, "file names are unique");
  assert.equal(new Set(graphs.map((g) => g.sha256)).size, graphs.length, "no graph twice");
  const smoke = pipeline({ scale: "smoke", ep: "cpu" }).stages;
  const fig3 = smoke.filter((s) => s.id.startsWith("fig3-")).map((s) => s.id);
  assert.ok(fig3.length >= 2);
  const train = graphs.find((g) => g.file === `${fig3[0]}.train`)!;
  assert.deepEqual(train.usedBy, fig3); // σ and seed change the init, not the graph
  // every stage that trains appears in some graph's usedBy
  const users = new Set(graphs.flatMap((g) => g.usedBy));
  for (const s of smoke.filter((s) => moduleFile(s) in PLANS)) assert.ok(users.has(s.id), s.id);
  for (const g of graphs.filter((g) => g.role === "train")) {
    const outputs = new Set(g.graph.outputs.map((v) => v.name));
    const params = g.graph.inputs.filter((v) =>
      v.name.endsWith(".weight") || v.name.endsWith(".bias")
    );
    assert.ok(params.length >= 2, g.file);
    for (const p of params) assert.ok(outputs.has(`${p.name}_next`), `${g.file}: ${p.name}`);
    assert.ok(outputs.has("loss"), g.file);
  }
  assert.deepEqual(
    [...new Set(graphs.map((g) => g.role))].sort(),
    ["eval", "ntk", "train", "train-chained"],
  );
});

// SHA-256 of graphs the smoke DAG's runs build, one per kind of plan: the bytes the runs built
// before the plans existed (c917b40's inline specs gave the same bytes at every scale). A change
// here changes what a run computes or how its graph is named: update only on purpose.
const GOLDEN: Record<string, string> = {
  "theory-vs-gd.d100-gamma0.1.train":
    "b433ee2ce8b9a4a54757b960f88814650729d6ea32b57838ed797715a9563b4c",
  "appc-corrected-ntk-d100-seed0.train":
    "2d64786da4eeaf341f63f0e6b3c3f87384146b4962511ff10b0fb96ea343ae7b",
  "fig1-corrected-xavier-d1000-seed0.ntk":
    "42a8078911ecbfba0a421e74cfafd8865bb19afdb642a84f3970543df80610ad",
  "fig2-sigma0.5-seed0.eval-b1000":
    "db53d2098b38fe7e6a09bc5cbe464805a522e087caf66b35dd1a515945bed577",
  "fig2-sigma0.5-seed0.ntk": "7149cd6b5b45e819dd5f89464d4037fa9775d71f14d48d4623941b4c594bae37",
  "cifarfcn-sigma1-lr0.03-seed0.eval-b500":
    "c796bb23571fe76d71dea220c4b0ba3156640ded5b458445073aa58a9b21c0a3",
  "fig3-sigma1-seed0.train": "867b8d98b5b406d5c66f59b1cc0b573f927a061a91b86abf3a40d1625eb55171",
};

Deno.test("catalog() gives the golden bytes for one graph of each kind of plan", () => {
  const byFile = new Map((catalog("smoke")).map((g) => [g.file, g.sha256]));
  for (const [file, sha] of Object.entries(GOLDEN)) assert.equal(byFile.get(file), sha, file);
});

Deno.test("catalog() applies --set overrides: a wider ResNet gives other graphs", () => {
  const base = catalog("smoke");
  const wide = catalog("smoke", ["fig3-*.width=0.125"]);
  const sha = (gs: typeof base) =>
    gs.find((g) => g.file.startsWith("fig3-") && g.role === "train")!.sha256;
  assert.notEqual(sha(wide), sha(base));
  assert.throws(() => catalog("smoke", ["fig3-*.depth=3"]), UsageError);
  // --config builds the DAG as the pipeline does: a width from the grid, and a width for the
  // two-layer runs that only a config can add, give other graphs; its values are checked
  assert.equal(sha(catalog("smoke", [], { configs: ["figure3.width=0.125"] })), sha(wide));
  const wider = catalog("smoke", [], { configs: ["figure1.widths=[100,1000,20]"] });
  assert.ok(wider.some((g) => g.usedBy.includes("fig1-corrected-ntk-d20-seed0")));
  assert.throws(
    () => catalog("smoke", [], { configs: ["figure1.widths=[0]"] }),
    /Expected --config figure1\.widths to be a non-empty list of distinct integers from 1 to 1e9 but found \[0\]$/,
  );
  // a param a config makes is checked, and the message says where it came from
  assert.throws(
    () => catalog("smoke", [], { configs: ["figure3.epochs=0"] }),
    /but found 0 \(as the DAG module sets it with --config figure3\.epochs=0\)$/,
  );
  // the params are checked as `deno task reproduce` checks them, before any graph is built
  assert.throws(
    () => catalog("smoke", ["fig3-*.width=-1"]),
    (e: Error) =>
      e instanceof UsageError &&
      /^Expected width of \d+ stages .* to be a finite number > 0 but found -1 \(--set changed width\)$/
        .test(e.message),
  );
});

Deno.test("writeCatalog() writes each graph's ONNX bytes and a sidecar whose SHA-256 matches them", async () => {
  const dir = await Deno.makeTempDir();
  const graphs = (catalog("smoke")).filter((g) => g.file.startsWith("theory-vs-gd"));
  assert.ok(graphs.length >= 2);
  await writeCatalog(dir, graphs, "smoke");
  for (const g of graphs) {
    const bytes = await Deno.readFile(`${dir}/${g.file}.onnx`);
    const side = JSON.parse(await Deno.readTextFile(`${dir}/${g.file}.json`));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    assert.equal(side.sha256, Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""));
    assert.deepEqual(side.usedBy, ["theory-vs-gd"]);
    assert.equal(side.inputs[0].name, side.role === "train-chained" ? "step0/x" : "x");
  }
  const names = async () => (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
  assert.deepEqual((await names()).filter((n) => n.includes(".tmp")), []);
  const index = JSON.parse(await Deno.readTextFile(`${dir}/index.json`));
  assert.deepEqual(index, {
    scale: "smoke",
    config: [],
    sets: [],
    files: graphs.map((g) => g.file),
  });
  // a second catalog into the folder removes the first one's files, and no one else's
  await Deno.writeTextFile(`${dir}/notes.txt`, "mine");
  await writeCatalog(dir, graphs.slice(0, 1), "smoke", ["x.y=1"]);
  assert.deepEqual(
    await names(),
    ["index.json", "notes.txt", `${graphs[0].file}.json`, `${graphs[0].file}.onnx`].sort(),
  );
  await Deno.remove(dir, { recursive: true });
});
