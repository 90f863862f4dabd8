import assert from "node:assert/strict";
import { batchIndices, firstPerClass, gather, permutation, seededSample } from "./batch.ts";
import { deriveSeed } from "./_rng.ts";

Deno.test("permutation() is a seeded permutation", () => {
  const p = permutation(1000, 3);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(p, permutation(1000, 3));
  assert.notDeepEqual(p, permutation(1000, 4));
});

Deno.test("batchIndices() covers every row once per epoch and reshuffles per epoch", () => {
  const e0 = batchIndices(10, 4, { seed: 1, epoch: 0 });
  const e1 = batchIndices(10, 4, { seed: 1, epoch: 1 });
  assert.deepEqual(e0.map((b) => b.length), [4, 4, 2]);
  assert.deepEqual(e0.flatMap((b) => [...b]).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.notDeepEqual(e0, e1);
  assert.deepEqual(batchIndices(10, 4, { seed: 1, epoch: 0 }), e0);
  assert.deepEqual(batchIndices(10, 4, { dropLast: true }).map((b) => [...b]), [
    [0, 1, 2, 3],
    [4, 5, 6, 7],
  ]);
  assert.throws(() => batchIndices(10, 0), RangeError);
});

Deno.test("gather() copies rows and labels in index order", () => {
  const set = {
    x: { shape: [3, 2], data: new Float32Array([0, 1, 2, 3, 4, 5]) },
    labels: new Uint8Array([7, 8, 9]),
  };
  const sub = gather(set, [2, 0]);
  assert.deepEqual(sub.x.shape, [2, 2]);
  assert.deepEqual([...sub.x.data], [4, 5, 0, 1]);
  assert.deepEqual([...sub.labels], [9, 7]);
  assert.throws(() => gather(set, [3]), RangeError);
});

Deno.test("firstPerClass() takes the first N of each class in data order", () => {
  const labels = new Uint8Array([1, 0, 1, 1, 0, 2, 2, 0]);
  assert.deepEqual([...firstPerClass(labels, 2, 3)], [0, 1, 2, 4, 5, 6]);
  assert.throws(() => firstPerClass(labels, 3, 3), /Expected 3 examples of class 2 but found 2/);
});

Deno.test("seededSample() draws distinct sorted indices, reproducibly", () => {
  const s = seededSample(100, 10, 5);
  assert.equal(new Set(s).size, 10);
  assert.deepEqual([...s], [...s].sort((a, b) => a - b));
  assert.deepEqual(s, seededSample(100, 10, 5));
  assert.throws(() => seededSample(5, 6, 1), RangeError);
});

Deno.test("permutation() draws each ordering about equally often (a Fisher-Yates shuffle)", () => {
  // over 600 seeds each of the 6 orderings of 3 is expected 100 times; an off-by-one shuffle
  // (Sattolo's, j < i) draws only the 2 cyclic ones, and never the identity
  const counts = new Map<string, number>();
  for (let seed = 0; seed < 600; seed++) {
    const key = permutation(3, seed).join("");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.equal(counts.size, 6, JSON.stringify([...counts]));
  for (const [key, n] of counts) assert.ok(n >= 60 && n <= 140, `${key}: ${n} of 600`);
});

Deno.test("batchIndices() shuffles epoch e with the child seed deriveSeed(seed, e); no epoch is epoch 0", () => {
  // the seed is the parent and the epoch the stream index (epochStream), never the other way
  // round; augmentSeed derives a batch's crop seed from the run seed the same way
  const flat = (bs: Uint32Array[]) => bs.flatMap((b) => [...b]);
  assert.deepEqual(flat(batchIndices(20, 6, { seed: 7, epoch: 3 })), [
    ...permutation(20, deriveSeed(7, 3)),
  ]);
  assert.deepEqual(flat(batchIndices(20, 6, { seed: 7 })), [...permutation(20, deriveSeed(7, 0))]);
  assert.deepEqual(batchIndices(20, 6, { seed: 7 }), batchIndices(20, 6, { seed: 7, epoch: 0 }));
});

Deno.test("batchIndices() rejects an epoch that names no shuffle stream", () => {
  assert.throws(() => batchIndices(10, 4, { seed: 1, epoch: -1 }), /Expected an epoch in \[0, /);
  assert.throws(() => batchIndices(10, 4, { seed: 1, epoch: 0.5 }), /Expected an epoch in \[0, /);
});
