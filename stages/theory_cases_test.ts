import assert from "node:assert/strict";
import { gradientDescent } from "../models/linear/gd.ts";
import { compareCase, type GdRunner, SHOWCASE } from "./_theory_cases.ts";

/** models/linear's plain GD at every `every`-th step, with `bump` added to g at one step. */
const plainGd = (bump?: { step: number; by: number }): GdRunner => (p, u0, w0, steps, every) => {
  const times = Array.from({ length: Math.floor(steps / every) + 1 }, (_, i) => i * every);
  const r = gradientDescent(p, u0, w0, times);
  const g = Array.from(r.g, (v, i) => (bump && times[i] === bump.step ? v + bump.by : v));
  return Promise.resolve({ ...r, g, divergedAt: null });
};

Deno.test("compareCase() takes GD's largest error over every step, not only the rows' steps", async () => {
  const c = SHOWCASE[0];
  const clean = await compareCase(c, 200, 10, 0.01, plainGd());
  assert.ok(clean.summary.maxAbsErrOverA < 0.01, `${clean.summary.maxAbsErrOverA}`);
  assert.deepEqual(clean.rows.map((r) => r.step).slice(0, 3), [0, 10, 20]);
  assert.equal(clean.rows.length, 21);
  // an error at step 37, between two rows, is found; the rows are those of the clean run
  const bumped = await compareCase(c, 200, 10, 0.01, plainGd({ step: 37, by: 0.5 * c.a }));
  assert.ok(bumped.summary.maxAbsErrOverA >= 0.49, `${bumped.summary.maxAbsErrOverA}`);
  assert.deepEqual(bumped.rows.map((r) => r.g_gd), clean.rows.map((r) => r.g_gd));
  // a run asked for rows only would not have seen it
  const rowsOnly: GdRunner = (p, u0, w0, steps) =>
    plainGd({ step: 37, by: 0.5 * c.a })(p, u0, w0, steps, 10);
  await assert.rejects(
    compareCase(c, 200, 10, 0.01, rowsOnly),
    /Expected GD values at steps 0, 1, 2, \.\.\. but found step 10 at 1/,
  );
});
