import assert from "node:assert/strict";
import type { IndexRecord, KeyMaterial } from "./cache.ts";
import { changedParams, codeChange, explain, rankBuilds } from "./explain.ts";
import { hashJson } from "./hash.ts";

const CODE = { files: { "stages/a.ts": "1", "models/m.ts": "2" }, externals: ["npm:x@1.0.0"] };

function material(over: Partial<KeyMaterial> = {}): KeyMaterial {
  return { format: 1, id: "a", params: { lr: 0.1 }, code: CODE, inputs: {}, ...over };
}

function build(key: string, m: KeyMaterial): IndexRecord {
  return { key, material: m, builtAt: "2026-01-01T00:00:00.000Z" };
}

Deno.test("changedParams() counts a param added or removed as changed", () => {
  assert.deepEqual(changedParams({ a: 1 }, { a: 1, b: 2 }), ["b"]);
  assert.deepEqual(changedParams({ a: 1, c: null }, { a: 1 }), ["c"]);
  assert.deepEqual(changedParams({ a: [1, { x: 2 }] }, { a: [1, { x: 2 }] }), []);
});

Deno.test("codeChange() marks added files with + and removed ones with -", () => {
  const after = { files: { "stages/a.ts": "1", "models/n.ts": "3" }, externals: CODE.externals };
  assert.equal(codeChange(CODE, after), "code changed: -models/m.ts, +models/n.ts");
});

Deno.test("codeChange() lists three items in full and cuts a fourth", () => {
  const files = (h: string) => ({ "a.ts": h, "b.ts": h, "c.ts": h });
  assert.equal(
    codeChange({ files: files("1"), externals: [] }, { files: files("2"), externals: [] }),
    "code changed: a.ts, b.ts, c.ts",
  );
  const four = (h: string) => ({ ...files(h), "d.ts": h });
  assert.equal(
    codeChange({ files: four("1"), externals: [] }, { files: four("2"), externals: [] }),
    "code changed: a.ts, b.ts, c.ts and 1 more",
  );
});

Deno.test("codeChange() names a package swapped for another of the same count", () => {
  const after = { files: CODE.files, externals: ["npm:x@1.0.1"] };
  assert.equal(codeChange(CODE, after), "packages changed: -npm:x@1.0.0, +npm:x@1.0.1");
  assert.equal(codeChange(CODE, { ...CODE }), undefined);
});

Deno.test("explain() cuts a long param value to 40 characters", () => {
  const old = material({ params: { grid: Array.from({ length: 20 }, (_, i) => i) } });
  const now = material({ params: { grid: [0] } });
  assert.equal(
    explain(now, "k2", [build("k1", old)], new Map()),
    "param grid: [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,1... -> [0]",
  );
});

Deno.test("explain() names the keys where an object-valued param changed", () => {
  const run = (seed: number) => ({ sigma: 1, seed, epochs: 40, batch: 128, perClass: 500 });
  const old = material({ params: { preset: { "run-1": run(1), "run-2": run(2) }, scale: "a" } });
  const added = material({
    params: { preset: { "run-1": run(1), "run-2": run(2), "run-3": run(3) }, scale: "a" },
  });
  assert.equal(
    explain(added, "k2", [build("k1", old)], new Map()),
    'param preset.run-3: (none) -> {"batch":128,"epochs":40,"perClass":5...',
  );
  const edited = material({
    params: { preset: { "run-1": { ...run(1), epochs: 8 }, "run-2": run(2) }, scale: "b" },
  });
  assert.equal(
    explain(edited, "k2", [build("k1", old)], new Map()),
    'params preset.run-1.epochs: 40 -> 8, scale: "a" -> "b"',
  );
  // arrays, and an object against another kind of value, show whole (cut) values
  const list = material({ params: { preset: [1, 2], scale: "a" } });
  assert.equal(
    explain(list, "k2", [build("k1", old)], new Map()),
    'param preset: {"run-1":{"batch":128,"epochs":40,"pe... -> [1,2]',
  );
});

Deno.test("explain() names an input the stage no longer has", () => {
  const old = material({ inputs: { data: "d".repeat(64), extra: "e".repeat(64) } });
  const now = material({ inputs: { data: "d".repeat(64) } });
  assert.equal(explain(now, "k2", [build("k1", old)], new Map()), "inputs removed: extra");
});

Deno.test("explain() reports a missing entry whose key any recent build had, not the newest only", () => {
  const now = material();
  const variant = build("k2", material({ params: { lr: 0.2 } }));
  assert.equal(
    explain(now, "k1", [variant, build("k1", now)], new Map()),
    "cache entry missing (deleted or garbage-collected)",
  );
});

Deno.test("explain() prefers a build of this engine format over an older format's", () => {
  const now = material({ format: 2 });
  const oldFormat = build("k0", material({ format: 1 }));
  const param = build("k1", material({ format: 2, params: { lr: 0.2 } }));
  assert.equal(explain(now, "k2", [oldFormat, param], new Map()), "param lr: 0.2 -> 0.1");
  assert.equal(
    explain(now, "k2", [oldFormat], new Map()),
    "engine format version changed: 1 -> 2",
  );
});

Deno.test("explain() compares a format-1 build with the stage's format-1 material, when given", () => {
  const raw = (h: string) => ({ files: { "stages/a.ts": h, "models/m.ts": "2" }, externals: [] });
  const now = material({
    format: 2,
    code: { files: { "stages/a.ts": "n" }, externals: ["npm:t@5"] },
  });
  const legacy = material({ format: 1, code: raw("r2") });
  const old = build("k0", material({ format: 1, code: raw("r1") }));
  assert.equal(explain(now, "k2", [old], new Map(), false, legacy), "code changed: stages/a.ts");
  const oldParam = build("k0", material({ format: 1, code: raw("r2"), params: { lr: 0.2 } }));
  assert.equal(explain(now, "k2", [oldParam], new Map(), false, legacy), "param lr: 0.2 -> 0.1");
  // the format-1 build of this very material: its entry is gone
  const same = build("1".repeat(64), legacy);
  assert.equal(
    explain(now, "k2", [{ ...same, key: hashJson(legacy) }], new Map(), false, legacy),
    "cache entry missing (deleted or garbage-collected)",
  );
  // without it, the format is the difference
  assert.equal(explain(now, "k2", [old], new Map()), "engine format version changed: 1 -> 2");
});

function upstreamOf(
  id: string,
  key: string,
  status: "cached" | "run",
  reason = "param lr: 0.05 -> 0.07",
) {
  return [id, { stage: { id }, key, status, reason, cause: { id, reason } }] as const;
}

Deno.test("explain() counts every changed input, so the closest build is the one with fewest", () => {
  const [f2, f2b, f3, f3b, f3c] = ["2", "b", "3", "c", "d"].map((c) => c.repeat(64));
  // the newest build differs in both inputs, an older one only in figure3's
  const both = material({ inputs: { figure2: f2b, figure3: f3b } });
  const one = material({ inputs: { figure2: f2, figure3: f3 } });
  const now = material({ inputs: { figure2: f2, figure3: f3c } });
  const upstream = new Map([
    upstreamOf("figure2", f2, "cached"),
    upstreamOf("figure3", f3c, "run"),
  ]);
  assert.equal(
    explain(now, "k3", [build("k2", both), build("k1", one)], upstream),
    'input "figure3" changed: upstream "figure3" reruns (param lr: 0.05 -> 0.07)',
  );
  // against the newest alone: the rerunning input first, the other named after it
  assert.equal(
    explain(now, "k3", [build("k2", both)], upstream),
    'input "figure3" changed: upstream "figure3" reruns (param lr: 0.05 -> 0.07); also changed: ' +
      'input "figure2"',
  );
});

Deno.test("rankBuilds() orders builds by how many ways they differ, the newest first among equals", () => {
  const now = material({ format: 2, params: { lr: 0.1, seed: 0 } });
  const builds = [
    build("two-params", material({ format: 2, params: { lr: 0.2, seed: 1 } })),
    build("format-1", material({ params: { lr: 0.1, seed: 0 } })),
    build("lr-newer", material({ format: 2, params: { lr: 0.3, seed: 0 } })),
    build("lr-older", material({ format: 2, params: { lr: 0.2, seed: 0 } })),
    build("format-1-older", material({ params: { lr: 0.1, seed: 0 } })),
  ];
  const ranked = rankBuilds(now, builds);
  assert.deepEqual(ranked.map((r) => r.record.key), [
    "lr-newer",
    "lr-older",
    "two-params",
    "format-1",
    "format-1-older",
  ]);
  assert.deepEqual(ranked[0].found, ["param lr: 0.3 -> 0.1"]);
  assert.deepEqual(ranked[3].found, ["engine format version changed: 1 -> 2"]);
  // with the stage's format-1 material, a format-1 build of the same material comes first
  const legacy = material({ params: { lr: 0.1, seed: 0 } });
  assert.deepEqual(rankBuilds(now, builds, undefined, legacy)[0], {
    record: builds[1],
    found: [],
  });
});
