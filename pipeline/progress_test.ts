import assert from "node:assert/strict";
import { describeProgress, formatDuration, PlainReporter } from "./progress.ts";

Deno.test("formatDuration() shows tenths below 10 s, then s, m, h", () => {
  assert.equal(formatDuration(340), "0.3s");
  assert.equal(formatDuration(42_000), "42s");
  assert.equal(formatDuration(185_000), "3m05s");
  assert.equal(formatDuration(3_720_000), "1h02m");
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
