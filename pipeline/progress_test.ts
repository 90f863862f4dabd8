import assert from "node:assert/strict";
import {
  describeProgress,
  formatDuration,
  MIN_ETA_MS,
  PlainReporter,
  TtyReporter,
} from "./progress.ts";

Deno.test("formatDuration() shows tenths below 10 s, then s, m, h", () => {
  assert.equal(formatDuration(340), "0.3s");
  assert.equal(formatDuration(42_000), "42s");
  assert.equal(formatDuration(185_000), "3m05s");
  assert.equal(formatDuration(3_720_000), "1h02m");
});

Deno.test("formatDuration() moves to the next unit where the rounded value reaches it", () => {
  assert.equal(formatDuration(9_940), "9.9s");
  assert.equal(formatDuration(9_960), "10s"); // not "10.0s"
  assert.equal(formatDuration(59_400), "59s");
  assert.equal(formatDuration(60_000), "1m00s");
  assert.equal(formatDuration(3_600_000), "1h00m");
});

Deno.test("describeProgress() gives percent, counts and an ETA from the observed rate", () => {
  const r = {
    id: "x",
    startedAt: 0,
    p: { done: 450, total: 1000, unit: "steps" },
    base: { at: 1000, done: 0 },
  };
  // 450 steps in 9 s: 550 more take 11 s
  assert.equal(describeProgress(r, 10_000), "45% 450/1000 steps ETA 11s");
  const bytes = {
    id: "y",
    startedAt: 0,
    p: { done: 3 * 2 ** 20, total: 12 * 2 ** 20, unit: "bytes" },
  };
  assert.equal(describeProgress(bytes, 1), "25% 3.0/12.0 MiB");
});

Deno.test("describeProgress() rounds the percent down, so 100% means done", () => {
  const r = (done: number) => ({ id: "x", startedAt: 0, p: { done, total: 1000 } });
  assert.equal(describeProgress(r(999), 1), "99% 999/1000");
  assert.equal(describeProgress(r(1000), 1), "100% 1000/1000");
});

Deno.test("describeProgress() gives the ETA of 1 step left at 1 step per second as 1.0s", () => {
  const r = { id: "x", startedAt: 0, p: { done: 2, total: 3 }, base: { at: 0, done: 1 } };
  assert.equal(describeProgress(r, 1000), "66% 2/3 ETA 1.0s");
});

Deno.test("describeProgress() gives no ETA before progress moves, nor a percent of a total of 0", () => {
  const still = { id: "x", startedAt: 0, p: { done: 5, total: 10 }, base: { at: 0, done: 5 } };
  assert.equal(describeProgress(still, 4000), "50% 5/10");
  const none = { id: "x", startedAt: 0, p: { done: 0, total: 0 }, base: { at: 0, done: 0 } };
  assert.equal(describeProgress(none, 2000), "running 2.0s");
});

Deno.test("describeProgress() shows bytes in GiB from 1 GiB on", () => {
  const r = { id: "x", startedAt: 0, p: { done: 2 ** 29, total: 2 ** 30, unit: "bytes" } };
  assert.equal(describeProgress(r, 1), "50% 0.5/1.0 GiB");
});

/** Runs `f` with Date.now() reading the returned clock's `t` (ms). */
function withClock(f: (clock: { t: number }) => void): void {
  const real = Date.now;
  const clock = { t: 0 };
  Date.now = () => clock.t;
  try {
    f(clock);
  } finally {
    Date.now = real;
  }
}

Deno.test("PlainReporter prints timestamped start and end lines and throttles progress", () => {
  const lines: string[] = [];
  const r = new PlainReporter(2, (s) => lines.push(s), 60_000);
  r.start("a", "new stage (never built)");
  for (let i = 1; i <= 100; i++) r.progress("a", { done: i, total: 100 });
  r.end("a", "ran", 1500);
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^\d\d:\d\d:\d\d \[1\/2\] start a: new stage \(never built\)\n$/);
  assert.match(lines[1], /^\d\d:\d\d:\d\d +ran a \(1\.5s\)\n$/);
});

Deno.test("PlainReporter shows progress every `every` ms, with an ETA from the first report's rate", () => {
  withClock((clock) => {
    const lines: string[] = [];
    const r = new PlainReporter(1, (s) => lines.push(s), 1000);
    r.start("a", "new stage (never built)");
    clock.t = 500;
    r.progress("a", { done: 1, total: 5, unit: "steps" }); // 500 ms after the start: not shown
    clock.t = 1000;
    r.progress("a", { done: 2, total: 5, unit: "steps" }); // rate seen for 500 ms only: no ETA
    clock.t = 1999;
    r.progress("a", { done: 3, total: 5, unit: "steps" }); // 999 ms after the last shown line
    clock.t = 2000;
    r.progress("a", { done: 4, total: 5, unit: "steps" }); // 3 steps in 1.5 s since the first
    const shown = lines.slice(1).map((l) => l.replace(/^\d\d:\d\d:\d\d +/, ""));
    assert.deepEqual(shown, ["a 40% 2/5 steps\n", "a 80% 4/5 steps ETA 0.5s\n"]);
  });
});

Deno.test("describeProgress() gives no ETA until the rate has been seen for MIN_ETA_MS", () => {
  const r = { id: "x", startedAt: 0, p: { done: 3, total: 1000 }, base: { at: 0, done: 0 } };
  assert.equal(describeProgress(r, MIN_ETA_MS - 1), "0% 3/1000");
  assert.equal(describeProgress(r, MIN_ETA_MS), "0% 3/1000 ETA 5m32s");
});

Deno.test("a new count (another total or unit, or done going back) gets an ETA from its own rate", () => {
  withClock((clock) => {
    const lines: string[] = [];
    const r = new PlainReporter(1, (s) => lines.push(s), 0);
    const MiB = 2 ** 20;
    const shown = () => lines.at(-1)!.replace(/^\d\d:\d\d:\d\d +/, "");
    r.start("fetch", "new stage (never built)");
    // A 100 MiB download at 10 MiB/s ...
    r.progress("fetch", { done: 0, total: 100 * MiB, unit: "bytes" });
    clock.t = 10_000;
    r.progress("fetch", { done: 100 * MiB, total: 100 * MiB, unit: "bytes" });
    // ... then its verification (the same total) at 100 MiB/s.
    r.progress("fetch", { done: 0, total: 100 * MiB, unit: "bytes" });
    clock.t = 10_500;
    r.progress("fetch", { done: 50 * MiB, total: 100 * MiB, unit: "bytes" });
    clock.t = 11_000;
    r.progress("fetch", { done: 60 * MiB, total: 100 * MiB, unit: "bytes" });
    // 60 MiB in 1 s: 40 more take 0.7 s (with the download's base it would be 40 / 6 s = 6.7 s)
    assert.equal(shown(), "fetch 60% 60.0/100.0 MiB ETA 0.7s\n");
    // Then a second file, with another total: its rate starts afresh.
    r.progress("fetch", { done: 70, total: 100, unit: "entries" });
    clock.t = 12_000;
    r.progress("fetch", { done: 80, total: 100, unit: "entries" });
    assert.equal(shown(), "fetch 80% 80/100 entries ETA 2.0s\n");
    // The same total in another unit is a new count too.
    r.progress("fetch", { done: 90, total: 100, unit: "files" });
    clock.t = 13_000;
    r.progress("fetch", { done: 95, total: 100, unit: "files" });
    assert.equal(shown(), "fetch 95% 95/100 files ETA 1.0s\n");
    // And so is another total in the same unit, even with done going on up.
    r.progress("fetch", { done: 96, total: 200, unit: "files" });
    clock.t = 14_000;
    r.progress("fetch", { done: 116, total: 200, unit: "files" });
    assert.equal(shown(), "fetch 58% 116/200 files ETA 4.2s\n");
  });
});

Deno.test("TtyReporter draws a full bar for a stage that reports more than its total", () => {
  const out: string[] = [];
  const r = new TtyReporter(1, (s) => out.push(s), 100);
  try {
    r.start("a", "new stage (never built)");
    r.progress("a", { done: 30, total: 20 });
    r.message("note");
    assert.match(out.join(""), /\n {2}a \[#{20}\] 150% 30\/20\n/);
  } finally {
    r.close();
  }
});

Deno.test("reporters say what is left of the run where the runner gives an estimate", () => {
  const lines: string[] = [];
  const plain = new PlainReporter(2, (s) => lines.push(s), 60_000);
  const seen: string[][] = [];
  plain.left = (ended, running) => {
    seen.push([...ended, ...running.keys()]);
    return "about 1m00s left";
  };
  plain.start("a", "new stage (never built)");
  plain.start("b", "new stage (never built)");
  plain.end("a", "ran", 1500);
  plain.end("b", "ran", 2500); // the last: nothing is left to estimate
  assert.match(lines[2], / ran a \(1\.5s\); about 1m00s left\n$/);
  assert.match(lines[3], / ran b \(2\.5s\)\n$/);
  assert.deepEqual(seen, [["a", "b"]]); // a ended, b running
  // after a failure the run stops (or, with --keep-going, skips what depends on it): no estimate
  const after: string[] = [];
  const stops = new PlainReporter(3, (s) => after.push(s), 60_000);
  stops.left = () => "about 1m00s left";
  for (const id of ["c", "d", "e"]) stops.start(id, "new stage (never built)");
  stops.end("c", "failed", 100, "exit code 1");
  stops.end("d", "ran", 200);
  assert.match(after[3], / failed c \(0\.1s\): exit code 1\n$/);
  assert.match(after[4], / ran d \(0\.2s\)\n$/);
  const out: string[] = [];
  const tty = new TtyReporter(1, (s) => out.push(s), 100);
  try {
    tty.left = () => "at least 5m00s left";
    tty.start("c", "new stage (never built)");
    assert.match(out.join(""), /\[0\/1\] 1 running, at least 5m00s left\n/);
    tty.left = () => "";
    tty.message("note");
    assert.match(out.at(-1)!, /^\[0\/1\] 1 running\n/);
  } finally {
    tty.close();
  }
});
