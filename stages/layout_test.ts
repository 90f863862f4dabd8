// House rules on the module graph, checked on every test run: data/ and models/ are pure and import
// only themselves and pinned libraries; pipeline/ knows nothing about ML; planning the project DAG
// loads neither the training nor the plotting stack; no source file exceeds the hard size cap.
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { scanImports } from "../pipeline/code_hash.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const HEAVY = /onnxruntime-node|^vega|vega-lite|resvg/;
const MAX_LINES = 500;

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(ROOT, dir))) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory && e.name !== "testdata") out.push(...await sources(rel));
    else if (e.isFile && e.name.endsWith(".ts")) out.push(rel);
  }
  return out.sort();
}

function localImports(file: string, text: string, staticOnly = false): string[] {
  const specs = staticOnly
    ? scanImports(text.replace(/\bimport\s*\(\s*["'][^"']+["']\s*\)/g, ""))
    : scanImports(text);
  return specs.filter((s) => s.startsWith(".")).map((s) =>
    relative(ROOT, resolve(dirname(join(ROOT, file)), s))
  );
}

// NOTE: data/ may use models/rng.ts, the one seeded generator of the project, so that a data set's
// shuffles and a network's initialisation draw from the same documented stream definition.
Deno.test("layout: data/ and models/ import only themselves; pipeline/ nothing of the project", async () => {
  const rules: Record<string, string[]> = {
    "data": ["data/", "models/rng.ts"],
    "models": ["models/"],
    "pipeline": ["pipeline/"],
  };
  const bad: string[] = [];
  for (const [dir, allowed] of Object.entries(rules)) {
    for (const file of (await sources(dir)).filter((f) => !f.endsWith("_test.ts"))) {
      for (const dep of localImports(file, await Deno.readTextFile(join(ROOT, file)))) {
        if (!allowed.some((a) => dep.startsWith(a))) bad.push(`${file} -> ${dep}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

Deno.test("layout: the static import graph of stages/mod.ts loads no training or plotting stack", async () => {
  const seen = new Set<string>();
  const heavy: string[] = [];
  const queue = ["stages/mod.ts"];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await Deno.readTextFile(join(ROOT, file));
    const statics = scanImports(text.replace(/\bimport\s*\(\s*["'][^"']+["']\s*\)/g, ""));
    for (const s of statics) if (HEAVY.test(s)) heavy.push(`${file} imports ${s}`);
    queue.push(...localImports(file, text, true).filter((f) => f.endsWith(".ts")));
  }
  assert.ok(seen.size > 1, "stages/mod.ts imports stage modules");
  assert.deepEqual(heavy, []);
});

Deno.test(`layout: no source file has more than ${MAX_LINES} lines`, async () => {
  const long: string[] = [];
  for (const dir of ["pipeline", "models", "data", "stages"]) {
    for (const file of await sources(dir)) {
      const lines = (await Deno.readTextFile(join(ROOT, file))).split("\n").length;
      if (lines > MAX_LINES) long.push(`${file}: ${lines}`);
    }
  }
  assert.deepEqual(long, []);
});

Deno.test("layout: the Makefile, README and .ci/run pin the Deno that runs these tests", async () => {
  const make = await Deno.readTextFile(join(ROOT, "Makefile"));
  const pinned = make.match(/^DENO_VERSION := (\S+)$/m)?.[1];
  assert.equal(pinned, Deno.version.deno);
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  const mentioned = [...readme.matchAll(/deno@(\d+\.\d+\.\d+)/g)].map((m) => m[1]);
  assert.ok(mentioned.length >= 2);
  assert.deepEqual([...new Set(mentioned)], [pinned]);
  assert.match(
    await Deno.readTextFile(join(ROOT, ".ci/run")),
    /DENO_VERSION=\$\(sed -n .* Makefile\)/,
  );
});

Deno.test("layout: every named DAG target has a make target that runs it", async () => {
  const { pipeline } = await import("./mod.ts");
  const make = await Deno.readTextFile(join(ROOT, "Makefile"));
  const ruleOf = (name: string) => make.match(new RegExp(`^${name}:\\n\\t(.*)$`, "m"))?.[1];
  for (const name of Object.keys(pipeline({ scale: "default", ep: "cpu" }).targets)) {
    assert.equal(ruleOf(name), "$(RUN) --only " + name, `make target ${name}`);
  }
});

Deno.test("layout: a training run's code closure holds no collector or figure module", async () => {
  const { pipeline } = await import("./mod.ts");
  const { CodeHasher } = await import("../pipeline/code_hash.ts");
  const def = pipeline({ scale: "default", ep: "cpu" });
  const collectors = new Set(Object.values(def.targets).flat());
  const byId = new Map(def.stages.map((s) => [s.id, s]));
  const collectorFiles = new Set(
    [...collectors].map((id) => relative(ROOT, fileURLToPath(byId.get(id)!.module))),
  );
  // Runs: the training stages a collector reads.
  const runs = def.stages.filter((s) =>
    /^(fig1|appc|fig2|fig3|cifarfcn)-/.test(s.id) &&
    def.stages.some((c) => collectors.has(c.id) && Object.values(c.inputs).includes(s))
  );
  assert.ok(runs.length >= 50, `expected the training runs, found ${runs.length}`);
  const hasher = new CodeHasher(ROOT);
  const bad: string[] = [];
  for (const run of runs) {
    for (const file of hasher.files(run.module)) {
      if (collectorFiles.has(file) || file.startsWith("stages/figures/")) {
        bad.push(`${run.id} -> ${file}`);
      }
    }
  }
  assert.deepEqual(bad.slice(0, 10), []);
});

// The grids of the runs (stages/_grids.ts) and the param rules (stages/_params.ts) sit outside
// every stage's code so that adding a σ, or tightening a rule, gives no existing stage a new key.
Deno.test("layout: no stage's code closure holds stages/_grids.ts or stages/_params.ts", async () => {
  const { CodeHasher } = await import("../pipeline/code_hash.ts");
  const { pipeline, scales } = await import("./mod.ts");
  const modules = new Set<string>();
  for (const scale of scales) {
    for (const s of pipeline({ scale, ep: "cpu" }).stages) modules.add(s.module);
  }
  const hasher = new CodeHasher(ROOT);
  const holders: string[] = [];
  for (const m of modules) {
    const files = hasher.files(m);
    assert.ok(files.length > 1, `${m}: ${files}`); // the closure was followed
    for (const f of files) {
      if (/stages\/_(grids|params)\.ts$/.test(f)) {
        holders.push(`${relative(ROOT, fileURLToPath(m))}: ${f}`);
      }
    }
  }
  assert.deepEqual(holders, []);
});

// Code imports the modules of another folder of models/ or of data/ that define what it uses, not
// their index modules, which re-export everything: a stage's fingerprint then holds what it runs,
// and an edit of ResNet-18 or of the reference evaluator reruns no FCN or two-layer run.
Deno.test("layout: a stage's code holds the model and data modules it uses, not their folders", async () => {
  const { pipeline } = await import("./mod.ts");
  const { CodeHasher } = await import("../pipeline/code_hash.ts");
  // a module, and the only stage modules whose code holds it
  const only: Record<string, string[]> = {
    "models/arch/resnet18.ts": ["stages/figure3_runs.ts"],
    "data/augment.ts": ["stages/figure3_runs.ts"],
    "data/idx.ts": ["stages/figure2_runs.ts"],
    "data/download.ts": ["stages/fetch_data.ts"],
    "data/synthetic.ts": ["stages/theory_vs_gd.ts", "stages/two_layer_runs.ts"],
    "models/init/two_layer_table.ts": ["stages/two_layer_runs.ts"],
    "models/onnx/reference/eval.ts": [],
    "models/autodiff/gradcheck.ts": [],
  };
  const modules = [
    ...new Set(pipeline({ scale: "default", ep: "cpu" }).stages.map((s) => s.module)),
  ];
  const hasher = new CodeHasher(ROOT);
  const holders: Record<string, string[]> = Object.fromEntries(
    Object.keys(only).map((f) => [f, []]),
  );
  for (const m of modules) {
    const files = hasher.files(m);
    for (const f of Object.keys(only)) {
      if (files.includes(f)) holders[f].push(relative(ROOT, fileURLToPath(m)));
    }
  }
  for (const f of Object.keys(only)) holders[f].sort();
  assert.deepEqual(holders, only);
});

Deno.test("layout: no module imports another folder's _x.ts, or an index module of models/ or data/ (tests may)", async () => {
  // The folders: each folder of models/ (with its subfolders), and data/, pipeline/ and stages/
  // with theirs: stages/figures/_vega.ts and stages/_theory_cases.ts serve all of stages/. The index
  // modules checked are those of models/ and data/; pipeline/mod.ts is the engine's one entry.
  const unit = (f: string) => f.split("/").slice(0, f.startsWith("models/") ? 2 : 1).join("/");
  const bad: string[] = [];
  for (const dir of ["stages", "models", "data", "pipeline"]) {
    const files = (await sources(dir)).filter((f) => !/(_test|\/mod)\.ts$/.test(f));
    for (const file of files) {
      for (const dep of localImports(file, await Deno.readTextFile(join(ROOT, file)))) {
        const index = /^(models\/[a-z_]+|data)\/mod\.ts$/.test(dep);
        const priv = /(^|\/)_[a-z_]+\.ts$/.test(dep);
        if ((index || priv) && unit(dep) !== unit(file)) bad.push(`${file} -> ${dep}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});
