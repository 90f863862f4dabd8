import assert from "node:assert/strict";
import { best, dropFrom, type Row } from "./_run_log.ts";

Deno.test("best() is the largest value of a column over every row, not the last", () => {
  const rows: Row[] = [{ epoch: 1, acc: 0.4 }, { epoch: 2, acc: 0.7 }, { epoch: 3, acc: 0.6 }];
  assert.equal(best(rows, "acc"), 0.7);
  assert.equal(best([], "acc"), null);
});

Deno.test("dropFrom() drops the trailing rows at or after `from`, which a resumed run logs again", () => {
  const rows: Row[] = [0, 10, 20, 30, 40].map((step) => ({ step, loss: step / 10 }));
  dropFrom(rows, "step", 20);
  assert.deepEqual(rows.map((r) => r.step), [0, 10]);
  dropFrom(rows, "step", 11); // between two rows: nothing at or after it
  assert.deepEqual(rows.map((r) => r.step), [0, 10]);
  dropFrom(rows, "step", 0);
  assert.deepEqual(rows, []);
});
