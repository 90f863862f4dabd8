import assert from "node:assert/strict";
import { join } from "node:path";
import { type IndexRecord, Store } from "./cache.ts";
import {
  describeEstimate,
  describeLeft,
  earlierRunMs,
  type ScheduledStage,
  scheduleMs,
} from "./estimate.ts";

const stage = (
  id: string,
  ms: number | undefined,
  inputs: string[] = [],
  threads = 1,
): ScheduledStage => ({ id, ms, inputs, threads });

Deno.test("scheduleMs() runs independent stages side by side within jobs, inputs first", () => {
  // two 1-thread runs of 10 and 30 ms at once, a third when the first ends, then the collector
  const runs = [stage("a", 10), stage("b", 30), stage("c", 10), stage("fig", 5, ["a", "b", "c"])];
  assert.equal(scheduleMs(runs, 2), 35);
  assert.equal(scheduleMs(runs, 1), 55);
  assert.equal(scheduleMs(runs, 4), 35);
});

Deno.test("scheduleMs() starts stages in plan order as executePlan does, a wide one alone", () => {
  // "wide" (2 threads) cannot start beside "a"; "b", after it in the plan, starts beside "a"
  // (0-100 ms), and "wide" runs when both have ended (100-110 ms)
  const runs = [stage("a", 10), stage("wide", 10, [], 2), stage("b", 100)];
  assert.equal(scheduleMs(runs, 2), 110);
  // a stage wider than jobs counts as jobs (the caller clamps), and one always starts alone
  assert.equal(scheduleMs([stage("w", 7, [], 4)], 2), 7);
  // inputs that are not among the stages to run are done (cached)
  assert.equal(scheduleMs([stage("x", 3, ["cached-upstream"])], 2), 3);
});

Deno.test("describeEstimate() says about, names the stages counted as 0, or says nothing", () => {
  const both = [stage("a", 90_000), stage("b", 60_000)];
  assert.equal(describeEstimate(both, 1), "; about 2m30s by earlier builds");
  assert.equal(
    describeEstimate([stage("a", 90_000), stage("b", undefined)], 1),
    "; about 1m30s by earlier builds, counting the stage without an earlier build as 0",
  );
  assert.equal(
    describeEstimate([stage("a", 90_000), stage("b", undefined), stage("c", undefined)], 1),
    "; about 1m30s by earlier builds, counting the 2 stages without an earlier build as 0",
  );
  assert.equal(describeEstimate([stage("a", undefined)], 1), "");
  assert.equal(describeEstimate([], 1), "");
});

const record = (key: string, params: unknown, ms?: number, threads?: number): IndexRecord => ({
  key,
  material: {
    format: 1,
    id: "s",
    params: params as IndexRecord["material"]["params"],
    code: { files: {}, externals: [] },
    inputs: {},
  },
  builtAt: "2026-12-01T00:00:00.000Z",
  ...(ms !== undefined ? { ms, threads } : {}),
});

Deno.test("earlierRunMs() takes the newest build with the same params and threads", async () => {
  const timeOf = (r: IndexRecord) =>
    Promise.resolve(r.ms === undefined ? null : { ms: r.ms, threads: r.threads! });
  const builds = [
    record("k1", { sigma: 2 }, 100, 1), // newest, other params
    record("k2", { sigma: 1 }, 200, 2), // same params, other threads
    record("k3", { sigma: 1 }), // same params, time unknown
    record("k4", { sigma: 1 }, 300, 1),
    record("k5", { sigma: 1 }, 400, 1),
  ];
  assert.equal(await earlierRunMs(builds, { sigma: 1 }, 1, timeOf), 300);
  assert.equal(await earlierRunMs(builds, { sigma: 1 }, 2, timeOf), 200);
  assert.equal(await earlierRunMs(builds, { sigma: 3 }, 1, timeOf), undefined);
  assert.equal(await earlierRunMs([], { sigma: 1 }, 1, timeOf), undefined);
});

Deno.test("Store.buildTime() reads the index record, else the kept entry's manifest", async () => {
  const out = await Deno.makeTempDir();
  try {
    const store = new Store(out);
    assert.deepEqual(await store.buildTime(record("a".repeat(64), {}, 1234, 2)), {
      ms: 1234,
      threads: 2,
    });
    // an older record without the fields: the entry's manifest, while the entry is kept
    const key = "b".repeat(64);
    await Deno.mkdir(store.entryDir(key), { recursive: true });
    await Deno.writeTextFile(
      join(store.entryDir(key), "manifest.json"),
      JSON.stringify({
        startedAt: "2026-12-01T10:00:00.000Z",
        endedAt: "2026-12-01T10:02:03.500Z",
        threads: 1,
      }),
    );
    assert.deepEqual(await store.buildTime(record(key, {})), { ms: 123_500, threads: 1 });
    assert.equal(await store.buildTime(record("c".repeat(64), {})), null); // entry deleted by gc
    // a build that went on from checkpoints, by its record or by its entry, and a clock that
    // stepped back: no time
    assert.equal(await store.buildTime({ ...record(key, {}), resumed: true }), null);
    assert.equal(await store.buildTime(record("a".repeat(64), {}, -5000, 1)), null);
    const m = JSON.parse(await Deno.readTextFile(join(store.entryDir(key), "manifest.json")));
    await Deno.writeTextFile(
      join(store.entryDir(key), "manifest.json"),
      JSON.stringify({ ...m, resumed: true }),
    );
    assert.equal(await store.buildTime(record(key, {})), null);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("describeLeft() counts what the running stages' estimates leave, then the rest", () => {
  const runs = [
    stage("a", 60_000),
    stage("b", 120_000),
    stage("c", 60_000),
    stage("fig", 1_000, ["a", "b", "c"]),
  ];
  const none = new Set<string>();
  // nothing started: the whole schedule (a and b at once, c after a, fig after b)
  assert.equal(describeLeft(runs, 2, none, new Map(), 0), "about 2m01s left");
  // 90 s in: a ended at 60 s, b has 30 s left, c (started at 60 s) 30 s, then fig
  const at = 90_000;
  const running = new Map([["b", 0], ["c", 60_000]]);
  assert.equal(describeLeft(runs, 2, new Set(["a"]), running, at), "about 31s left");
  // the running stages hold their threads before any stage that waits, even one earlier in the
  // plan: r (30 s left) beside q1, then q2 (30 s); with the plan's order q1 and q2 would start
  // first and r after them (40 s)
  const queue = [stage("q1", 10_000), stage("q2", 10_000), stage("r", 60_000)];
  assert.equal(describeLeft(queue, 2, none, new Map([["r", 0]]), 30_000), "about 30s left");
  // a stage over its estimate counts as ending now
  assert.equal(
    describeLeft(runs, 2, new Set(["a", "c"]), new Map([["b", 0]]), 500_000),
    "about 1.0s left",
  );
  // stages without an earlier build: a lower bound, or nothing
  const partly = [stage("a", 60_000), stage("x", undefined)];
  assert.equal(
    describeLeft(partly, 1, none, new Map(), 0),
    "about 1m00s left, counting the stage without an earlier build as 0",
  );
  assert.equal(describeLeft(partly, 1, new Set(["a"]), new Map(), 0), "");
});
