import assert from "node:assert/strict";
import { classificationTask, regressionTask, solvableData } from "./synthetic.ts";

Deno.test("regressionTask() gives n x D inputs and y = tanh(x . v), reproducibly", () => {
  const task = regressionTask({ seed: 0 });
  assert.deepEqual(task.x.shape, [1000, 10]);
  assert.equal(task.y.length, 1000);
  const dot = task.v.reduce((s, v, j) => s + v * task.x.data[3 * 10 + j], 0);
  assert.ok(Math.abs(task.y[3] - Math.tanh(dot)) < 1e-6);
  const mean = task.x.data.reduce((s, v) => s + v, 0) / task.x.data.length;
  const sq = task.x.data.reduce((s, v) => s + v * v, 0) / task.x.data.length;
  assert.ok(Math.abs(mean) < 0.05 && Math.abs(sq - 1) < 0.05);
  assert.deepEqual(regressionTask({ seed: 0 }), task);
  assert.notDeepEqual(regressionTask({ seed: 1 }).y, task.y);
});

Deno.test("classificationTask() bins x . v into ten equal classes on the regression inputs", () => {
  const task = classificationTask({ seed: 2 });
  assert.deepEqual(task.x, regressionTask({ seed: 2 }).x);
  const counts = new Array(10).fill(0);
  task.labels.forEach((l) => counts[l]++);
  assert.deepEqual(counts, new Array(10).fill(100));
  const score = (i: number) => task.v.reduce((s, v, j) => s + v * task.x.data[i * 10 + j], 0);
  for (let i = 0; i < 50; i++) {
    assert.equal(task.labels[i], task.thresholds.filter((t) => t < score(i)).length);
  }
  const order = Array.from({ length: 1000 }, (_, i) => i).sort((a, b) => score(a) - score(b));
  assert.ok(order.every((i, k) => k === 0 || task.labels[i] >= task.labels[order[k - 1]]));
  assert.throws(() => classificationTask({ seed: 1, classes: 1 }), RangeError);
});

Deno.test("solvableData() has exactly the requested m2 and slope a", () => {
  const { x, y } = solvableData({ n: 500, m2: 2.5, a: -0.7, noise: 0.3, seed: 4 });
  const m2 = x.reduce((s, v) => s + v * v, 0) / x.length;
  const xy = x.reduce((s, v, i) => s + v * y[i], 0) / x.length;
  assert.ok(Math.abs(m2 - 2.5) < 1e-12);
  assert.ok(Math.abs(xy / m2 + 0.7) < 1e-12);
  assert.ok(y.some((v, i) => Math.abs(v + 0.7 * x[i]) > 1e-3), "noise is present");
  assert.throws(() => solvableData({ m2: 0, seed: 1 }), RangeError);
});

Deno.test("regressionTask() draws v with variance 1/D, so |v|² is about 1 at any D", () => {
  for (const dim of [400, 900]) {
    const { v } = regressionTask({ n: 1, dim, seed: 3 });
    const norm2 = v.reduce((s, x) => s + x * x, 0);
    // chi-square with D degrees of freedom over D: sd sqrt(2 / D) <= 0.071
    assert.ok(Math.abs(norm2 - 1) < 0.3, `|v|² = ${norm2} at D = ${dim}`);
  }
});

Deno.test("classificationTask() accepts 256 classes, the most a byte label holds", () => {
  const { labels } = classificationTask({ n: 512, dim: 2, seed: 1, classes: 256 });
  const counts = new Array(256).fill(0);
  for (const l of labels) counts[l]++;
  assert.ok(counts.every((c) => c === 2), "two inputs per class");
  assert.throws(() => classificationTask({ n: 514, dim: 2, seed: 1, classes: 257 }), RangeError);
});

Deno.test("solvableData() rejects an empty sample", () => {
  assert.throws(() => solvableData({ n: 0, seed: 1 }), /Expected n >= 1 and m2 > 0 but found 0, 1/);
});

Deno.test("classificationTask() needs at least one sample per class", () => {
  assert.throws(
    () => classificationTask({ seed: 1, n: 9 }),
    /Expected at least as many samples as classes \(10\) but found n = 9/,
  );
  // ten samples, ten classes: one of each
  const { labels } = classificationTask({ seed: 1, n: 10 });
  assert.deepEqual([...labels].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});
