import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Store } from "./cache.ts";
import { CodeHasher } from "./code_hash.ts";
import { UsageError } from "./errors.ts";
import { orderStages, planRun } from "./plan.ts";
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
