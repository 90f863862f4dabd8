import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type KeyMaterial, Store } from "./cache.ts";
import { CodeHasher } from "./code_hash.ts";
import { UsageError } from "./errors.ts";
import { hashJson, sha256Hex } from "./hash.ts";
import { verifyStore } from "./maintenance.ts";
import { adoptEntries, keptKeys, orderStages, planRun } from "./plan.ts";
import type { PipelineDef, Stage } from "./stage.ts";

function stage(
  id: string,
  module: string,
  params: Stage["params"],
  inputs: Stage["inputs"],
): Stage {
  return {
    id,
    module,
    params,
    inputs,
    resources: { device: "cpu", threads: 1, memoryMiB: 64 },
    publish: [],
    description: id,
    run: () => Promise.resolve(),
  };
}

/** A repository root with a deno.json and one stage module, and a store in it. */
async function withRepo(f: (module: string, hasher: CodeHasher, store: Store) => Promise<void>) {
  const root = await Deno.makeTempDir({ prefix: "plan-" });
  try {
    await Deno.writeTextFile(join(root, "deno.json"), "{}\n");
    await Deno.writeTextFile(join(root, "s.ts"), "export const s = 1;\n");
    const module = pathToFileURL(join(root, "s.ts")).href;
    await f(module, new CodeHasher(root), new Store(join(root, "out")));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** Record a build of every planned stage in the index, as a run's commits do. */
async function recordBuilds(store: Store, def: PipelineDef, hasher: CodeHasher, at: string) {
  for (const p of await planRun(def, store, hasher)) {
    await store.writeIndex(p.stage.id, { key: p.key, material: p.material, builtAt: at });
  }
}

Deno.test("orderStages() rejects a stage id declared twice", () => {
  const a = stage("a", "file:///a.ts", {}, {});
  assert.throws(
    () => orderStages([a, { ...a }]),
    (e) => e instanceof UsageError && e.message === 'Stage id "a" is declared twice',
  );
});

Deno.test("planRun() makes a stage that changed by itself its own root cause, upstream reruns or not", async () => {
  await withRepo(async (module, hasher, store) => {
    const dag = (n: number, factor: number): PipelineDef => {
      const source = stage("source", module, { n }, {});
      const double = stage("double", module, { factor }, { src: source });
      return {
        stages: [source, double, stage("sum", module, {}, { values: double })],
        targets: {},
      };
    };
    await recordBuilds(store, dag(3, 2), hasher, "2026-01-01T00:00:00.000Z");
    const plan = await planRun(dag(4, 3), store, hasher);
    const double = plan.find((p) => p.stage.id === "double")!;
    assert.equal(double.reason, "param factor: 2 -> 3");
    assert.deepEqual(double.cause, { id: "double", reason: "param factor: 2 -> 3" });
    assert.equal(
      plan.find((p) => p.stage.id === "sum")!.reason,
      'input "values" changed: upstream "double" reruns (param factor: 2 -> 3)',
    );
  });
});

Deno.test("planRun() calls an entry quarantined before its latest build just missing", async () => {
  await withRepo(async (module, hasher, store) => {
    const def = { stages: [stage("a", module, {}, {})], targets: {} };
    const [a] = await planRun(def, store, hasher);
    const corrupt = join(store.cacheDir, ".corrupt");
    await Deno.mkdir(join(corrupt, `${a.key}.${Date.parse("2026-01-01T00:00:00.000Z")}`), {
      recursive: true,
    });
    // built again after the quarantine, then deleted
    await recordBuilds(store, def, hasher, "2026-01-02T00:00:00.000Z");
    const [after] = await planRun(def, store, hasher);
    assert.equal(after.reason, "cache entry missing (deleted or garbage-collected)");
    // quarantined after its latest build
    await Deno.mkdir(join(corrupt, `${a.key}.${Date.parse("2026-01-03T00:00:00.000Z")}`));
    const [quarantined] = await planRun(def, store, hasher);
    assert.equal(
      quarantined.reason,
      "cache entry quarantined as corrupt by verify (moved to cache/.corrupt/)",
    );
  });
});

/** Write a format-1 entry as the engine before format 2 did: one file, its manifest, its index. */
async function legacyEntry(store: Store, key: string, material: KeyMaterial): Promise<void> {
  const files = join(store.filesDir(key), "x.txt");
  await Deno.mkdir(store.filesDir(key), { recursive: true });
  await Deno.writeTextFile(files, material.id);
  const st = await Deno.stat(files);
  const manifest = {
    format: 1,
    key,
    material,
    files: [{
      path: "x.txt",
      sha256: sha256Hex(material.id),
      size: st.size,
      mtimeMs: st.mtime!.getTime(),
    }],
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: "2026-01-01T00:00:05.000Z",
    tools: {},
    threads: 1,
  };
  await Deno.writeTextFile(join(store.entryDir(key), "manifest.json"), JSON.stringify(manifest));
  await store.writeIndex(material.id, {
    key,
    material,
    builtAt: manifest.endedAt,
    ms: 4321,
    threads: 1,
  });
}

Deno.test("planRun() adopts the format-1 entry of byte-identical code, so a new format reruns nothing", async () => {
  await withRepo(async (module, hasher, store) => {
    const source = stage("source", module, { n: 3 }, {});
    const def = { stages: [source, stage("double", module, {}, { src: source })], targets: {} };
    // the keys the engine before format 2 gave these stages, computed here as it did
    const path = fileURLToPath(module);
    const code = { files: { "s.ts": sha256Hex(await Deno.readFile(path)) }, externals: [] };
    const old = { format: 1, id: "source", params: { n: 3 }, code, inputs: {} };
    const oldKey = hashJson(old);
    const oldDouble = { format: 1, id: "double", params: {}, code, inputs: { src: oldKey } };
    // what the engine of c6f0121 (format 1) printed for this DAG, s.ts and deno.json
    assert.deepEqual([oldKey, hashJson(oldDouble)], [
      "c6f907af15d83de5335c79f02cabca697b81747003e3252b18b8cc19a5612071",
      "66cf17ebd20a5aea146fcbbd7f94e3c1ddd52669192470b752a95af279876cf2",
    ]);
    await legacyEntry(store, oldKey, old);
    await legacyEntry(store, hashJson(oldDouble), oldDouble);
    const plan = await planRun(def, store, hasher);
    assert.deepEqual(plan.map((p) => [p.status, p.adoptFrom, p.legacyKey]), [
      ["cached", oldKey, oldKey],
      ["cached", hashJson(oldDouble), hashJson(oldDouble)],
    ]);
    assert.notEqual(plan[0].key, oldKey);
    // before the run adopts them, gc keeps the format-1 entries too
    assert.deepEqual(keptKeys(plan, new Set()).entries, plan.flatMap((p) => [p.key, p.legacyKey]));
    assert.deepEqual(await adoptEntries(plan, store), { entries: 2, checkpoints: 0 });
    for (const p of plan) {
      const state = await store.check(p.key, true);
      assert.equal(state.state, "valid");
      assert.equal(p.adoptFrom, undefined);
      assert.deepEqual(p.manifest, state.state === "valid" ? state.manifest : null);
      assert.equal(await Deno.readTextFile(join(store.filesDir(p.key), "x.txt")), p.stage.id);
      // the old build's time stays with the stage, for estimates
      const [latest] = await store.readIndex(p.stage.id);
      assert.deepEqual([latest.key, latest.ms, latest.material.format], [p.key, 4321, 2]);
    }
    // adopted once: the next plan finds the format-2 entries; a comment edit keeps them
    await Deno.writeTextFile(path, "// a note\nexport const s = 1; // same\n");
    const again = await planRun(def, store, new CodeHasher(dirname(path)));
    assert.deepEqual(again.map((p) => [p.status, p.adoptFrom]), [["cached", undefined], [
      "cached",
      undefined,
    ]]);
    // gc keeps the format-2 entries now, not the adopted ones
    assert.deepEqual(keptKeys(again, new Set()).entries, again.map((p) => p.key));
    assert.deepEqual(keptKeys(plan, new Set()).entries, plan.map((p) => p.key));
    // verify counts a format-1 entry as intact
    const lines: string[] = [];
    assert.deepEqual(await verifyStore(store, (l) => lines.push(l)), {
      ok: 4,
      legacy: 2,
      bad: 0,
      leftovers: 0,
    });
    assert.deepEqual(lines, []);
  });
});

Deno.test("planRun() does not adopt a format-1 entry of other code, and explains against it", async () => {
  await withRepo(async (module, _hasher, store) => {
    const def = { stages: [stage("a", module, {}, {})], targets: {} };
    const path = fileURLToPath(module);
    const code = { files: { "s.ts": sha256Hex(await Deno.readFile(path)) }, externals: [] };
    const old = { format: 1, id: "a", params: {}, code, inputs: {} };
    await legacyEntry(store, hashJson(old), old);
    await Deno.writeTextFile(path, "export const s = 2;\n");
    const [a] = await planRun(def, store, new CodeHasher(dirname(path)));
    assert.deepEqual([a.status, a.adoptFrom, a.reason], ["run", undefined, "code changed: s.ts"]);
    // a forced stage adopts nothing either
    await Deno.writeTextFile(path, "export const s = 1;\n");
    const [forced] = await planRun(def, store, new CodeHasher(dirname(path)), { force: ["a"] });
    assert.deepEqual([forced.status, forced.adoptFrom], ["run", undefined]);
    const [adoptable] = await planRun(def, store, new CodeHasher(dirname(path)));
    assert.equal(adoptable.adoptFrom, hashJson(old));
    // a corrupt format-1 entry is named as such
    await Deno.writeTextFile(join(store.filesDir(hashJson(old)), "x.txt"), "other");
    const [corrupt] = await planRun(def, store, new CodeHasher(dirname(path)));
    assert.deepEqual([corrupt.status, corrupt.adoptFrom], ["run", undefined]);
    assert.match(corrupt.reason, /^cache entry \(format 1\) is corrupt: "x\.txt" has/);
    // the entry was deleted: the format-1 build explains it as missing
    await Deno.remove(store.entryDir(hashJson(old)), { recursive: true });
    const [missing] = await planRun(def, store, new CodeHasher(dirname(path)));
    assert.equal(missing.reason, "cache entry missing (deleted or garbage-collected)");
  });
});

Deno.test("adoptEntries() gives a selected stage that runs the checkpoints of its format-1 attempt", async () => {
  await withRepo(async (module, hasher, store) => {
    const stages = ["a", "b", "c", "d"].map((id) => stage(id, module, { id }, {}));
    const def = { stages, targets: {} };
    // c is cached; d is not selected
    const [, , c] = await planRun(def, store, hasher);
    await Deno.mkdir(store.filesDir(c.key), { recursive: true });
    await store.commit(await store.begin(c.key), {
      key: c.key,
      material: c.material,
      startedAt: "2026-01-01T00:00:00.000Z",
      endedAt: "2026-01-01T00:00:01.000Z",
      tools: {},
    });
    const plan = await planRun(def, store, hasher, { only: ["a", "b", "c"] });
    const [a, b, , d] = plan;
    assert.deepEqual(plan.map((p) => [p.status, p.selected]), [
      ["run", true],
      ["run", true],
      ["cached", true],
      ["run", false],
    ]);
    // a, c and d were interrupted under their format-1 keys; b has checkpoints of its own too
    const folders: [string, string][] = [
      [a.legacyKey, "a old"],
      [b.legacyKey, "b old"],
      [b.key, "b new"],
      [c.legacyKey, "c old"],
      [d.legacyKey, "d old"],
    ];
    for (const [key, text] of folders) {
      await Deno.mkdir(store.workDir(key), { recursive: true });
      await Deno.writeTextFile(join(store.workDir(key), "step.ckpt"), text);
    }
    // gc keeps the format-1 folders that a run takes over: a's and d's
    assert.deepEqual(keptKeys(plan, new Set(await store.workKeys())).work, [
      a.key,
      a.legacyKey,
      b.key,
      c.key,
      d.key,
      d.legacyKey,
    ]);
    assert.deepEqual(await adoptEntries(plan, store), { entries: 0, checkpoints: 1 });
    assert.equal(await Deno.readTextFile(join(store.workDir(a.key), "step.ckpt")), "a old");
    assert.equal(await Deno.readTextFile(join(store.workDir(b.key), "step.ckpt")), "b new");
    assert.deepEqual(
      (await store.workKeys()).sort(),
      [a.key, b.key, b.legacyKey, c.legacyKey, d.legacyKey].sort(),
    );
  });
});
