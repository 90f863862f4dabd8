import assert from "node:assert/strict";
import { constantLr, cosineAnnealingLr } from "./schedule.ts";

Deno.test("cosineAnnealingLr() follows PyTorch's closed form per epoch, including past T_max", () => {
  const [base, etaMin, tMax] = [0.1, 0.001, 7];
  const s = cosineAnnealingLr({ lr: base, head: 2 * base }, { tMax, etaMin });
  for (let e = 0; e <= 3 * tMax; e++) {
    const want = etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * e / tMax)) / 2;
    const got = s({ step: 1000 * e, epoch: e });
    assert.ok(Math.abs(got.lr - want) < 1e-15, `epoch ${e}: ${got.lr} vs ${want}`);
    const wantHead = etaMin + (2 * base - etaMin) * (1 + Math.cos(Math.PI * e / tMax)) / 2;
    assert.ok(Math.abs(got.head - wantHead) < 1e-15);
  }
  assert.equal(s({ step: 0, epoch: 0 }).lr, base);
  assert.ok(Math.abs(s({ step: 0, epoch: tMax }).lr - etaMin) < 1e-15);
  assert.equal(s({ step: 5, epoch: 3 }), s({ step: 9, epoch: 3 }), "constant within an epoch");
  assert.throws(() => cosineAnnealingLr({ lr: 1 }, { tMax: 0 }), RangeError);
  assert.deepEqual(constantLr({ lr: 0.5 })({ step: 7, epoch: 2 }), { lr: 0.5 });
});

Deno.test("cosineAnnealingLr() anneals to 0 by default and refuses a fractional T_max or a negative epoch", () => {
  const s = cosineAnnealingLr({ lr: 0.1 }, { tMax: 4 });
  assert.ok(Math.abs(s({ step: 0, epoch: 4 }).lr) < 1e-17, "η_min defaults to 0");
  assert.ok(Math.abs(s({ step: 0, epoch: 2 }).lr - 0.05) < 1e-16);
  assert.throws(
    () => cosineAnnealingLr({ lr: 1 }, { tMax: 2.5 }),
    /Expected a positive integer T_max but found 2.5/,
  );
  assert.throws(
    () => s({ step: 0, epoch: -1 }),
    /Expected a nonnegative integer epoch but found -1/,
  );
  assert.throws(() => s({ step: 0, epoch: 0.5 }), RangeError);
});

Deno.test("constantLr() keeps the rates it was given, whatever the caller does with its object later", () => {
  const rates: Record<string, number> = { lr: 0.5 };
  const s = constantLr(rates);
  rates.lr = 2;
  assert.deepEqual(s({ step: 3, epoch: 1 }), { lr: 0.5 });
});
