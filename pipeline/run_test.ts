import assert from "node:assert/strict";
import { Store } from "./cache.ts";
import type { PlannedStage } from "./plan.ts";
import type { Reporter } from "./progress.ts";
import { writeRunManifest } from "./provenance.ts";
import { executePlan, type StageResult, takeStartable } from "./run.ts";

const CODE = { files: { "s.ts": "1" }, externals: [] };

/** A stage to run; its module is named after its id. */
function planned(id: string, inputs: string[] = []): PlannedStage {
  const inputIds = Object.fromEntries(inputs.map((i) => [i, i]));
  return {
    stage: {
      id,
      module: `file:///${id}.ts`,
      params: {},
      inputs: inputIds,
      resources: { device: "cpu", threads: 1, memoryMiB: 64 },
      publish: [],
      description: id,
      run: () => Promise.resolve(),
    },
    key: id.repeat(64).slice(0, 64),
    legacyKey: id.repeat(64).slice(1, 65),
    material: { format: 2, id, params: {}, code: CODE, inputs: {} },
    inputIds,
    selected: true,
    status: "run",
    manifest: null,
    reason: "new stage (never built)",
    cause: { id, reason: "new stage (never built)" },
  };
}

const CHANGED =
  "code changed: s.ts after the run was planned; the stage was not started: run again";

/**
 * Execute `plan` where stage "a"'s code changed since planning, so that it fails before it
 * starts (no worker is spawned); returns each stage's outcome and detail.
 */
async function executeWithAFailing(plan: PlannedStage[], keepGoing: boolean) {
  const out = await Deno.makeTempDir({ prefix: "run-" });
  const ended: string[] = [];
  const reporter: Reporter = {
    start() {},
    progress() {},
    end: (id, outcome, _ms, detail) => ended.push(`${outcome} ${id}: ${detail}`),
    message() {},
    close() {},
  };
  try {
    const results = await executePlan(plan, new Store(out), {
      dag: "file:///dag.ts",
      build: { scale: "smoke", ep: "cpu" },
      jobs: 1,
      keepGoing,
      reporter,
      config: "deno.json",
      tools: {},
      fingerprint: (m) =>
        Promise.resolve(m === "file:///a.ts" ? { files: { "s.ts": "2" }, externals: [] } : CODE),
    });
    const outcomes = Object.fromEntries(
      [...results].map(([id, r]) => [id, `${r.outcome}: ${r.detail}`]),
    );
    return { outcomes, ended };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

Deno.test("executePlan() after a failure skips its dependents for it and the others for stopping", async () => {
  // a ─► b ─► c, and d waits for a's thread (--jobs 1)
  const plan = [planned("a"), planned("b", ["a"]), planned("c", ["b"]), planned("d")];
  const { outcomes, ended } = await executeWithAFailing(plan, false);
  assert.deepEqual(outcomes, {
    a: `failed: ${CHANGED}`,
    b: "skipped: an input failed",
    c: "skipped: an input failed",
    d: "skipped: stopped after a failure",
  });
  assert.equal(ended.length, 4);
});

Deno.test("executePlan() with keepGoing skips every stage downstream of a failure", async () => {
  const plan = [planned("a"), planned("b", ["a"]), planned("c", ["b"])];
  const { outcomes } = await executeWithAFailing(plan, true);
  assert.deepEqual(outcomes, {
    a: `failed: ${CHANGED}`,
    b: "skipped: an input failed",
    c: "skipped: an input failed",
  });
});

Deno.test("writeRunManifest() keeps a duration of 0 ms and leaves it out only where there is none", async () => {
  const out = await Deno.makeTempDir({ prefix: "manifest-" });
  try {
    const results = new Map<string, StageResult>([
      ["a", {
        outcome: "failed",
        startedAt: "2026-11-30T00:00:00.000Z",
        durationMs: 0,
        detail: "x",
      }],
      ["b", { outcome: "skipped", detail: "an input failed" }],
    ]);
    await writeRunManifest(out, [planned("a"), planned("b", ["a"])], results, {
      dag: "file:///dag.ts",
      build: { scale: "smoke", ep: "cpu" },
      tools: {},
      startedAt: "2026-11-30T00:00:00.000Z",
    });
    const m = JSON.parse(await Deno.readTextFile(`${out}/manifest.json`));
    assert.equal(m.stages[0].durationMs, 0);
    assert.equal(m.stages[0].startedAt, "2026-11-30T00:00:00.000Z");
    assert.ok(!("durationMs" in m.stages[1]) && !("startedAt" in m.stages[1]));
    assert.deepEqual(m.stages.map((s: { status: string }) => s.status), ["failed", "skipped"]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("takeStartable() takes ready stages in order while their threads fit, one always", () => {
  type S = { id: string; threads: number; ready: boolean };
  const s = (id: string, threads: number, ready = true): S => ({ id, threads, ready });
  const take = (pending: S[], running: number, used: number, jobs: number) =>
    takeStartable(pending, (t) => t.ready, (t) => t.threads, running, used, jobs).map((t) => t.id);
  // a waits for its inputs; b fits; c (2 threads) does not beside b; d does
  const pending = [s("a", 1, false), s("b", 1), s("c", 2), s("d", 1)];
  assert.deepEqual(take(pending, 0, 0, 2), ["b", "d"]);
  assert.deepEqual(pending.map((t) => t.id), ["a", "c"]); // what was taken left the queue
  // with nothing running, a stage wider than jobs starts alone
  assert.deepEqual(take([s("w", 4), s("x", 1)], 0, 0, 2), ["w"]);
  // beside running stages, only what fits in what they leave
  assert.deepEqual(take([s("y", 2), s("z", 1)], 1, 1, 2), ["z"]);
});
