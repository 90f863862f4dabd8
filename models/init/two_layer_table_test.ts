import assert from "node:assert/strict";
import { TWO_LAYER_NAMES, twoLayerSetup } from "./two_layer_table.ts";

const PAIRS = [["ntk", "meanField"], ["kaiming", "kaimingPlus"], ["xavier", "xavierPlus"]] as const;

Deno.test("twoLayerSetup() corrected: each kernel member equals its partner at d = 100 only", () => {
  for (const [k, f] of PAIRS) {
    const [a, b] = [twoLayerSetup(k, "corrected", 100, 10), twoLayerSetup(f, "corrected", 100, 10)];
    assert.ok(Math.abs(a.gamma - b.gamma) < 1e-15 && Math.abs(a.lr - b.lr) < 1e-15, `${k}/${f}`);
    assert.equal(a.init, b.init);
    assert.deepEqual([a.expected, b.expected], ["kernel", "feature"]);
    const [c, e] = [
      twoLayerSetup(k, "corrected", 10000, 10),
      twoLayerSetup(f, "corrected", 10000, 10),
    ];
    assert.ok(c.gamma !== e.gamma && c.lr !== e.lr, `${k}/${f} differ at d = 10^4`);
  }
});

Deno.test("twoLayerSetup() values at d = 10^4 match SPEC 5.1 (corrected) and the seed (literal)", () => {
  const d = 10000;
  const got = Object.fromEntries(TWO_LAYER_NAMES.map((n) => {
    const s = twoLayerSetup(n, "corrected", d, 10);
    return [n, [s.gamma, s.lr, s.init]];
  }));
  const close = (x: number, y: number) => Math.abs(x - y) <= 1e-12 * Math.abs(y);
  const want: Record<string, [number, number, string]> = {
    ntk: [0.01, 0.05, "standard"],
    meanField: [1e-3, 5, "standard"],
    kaiming: [1, 5e-4, "kaiming"],
    kaimingPlus: [1e-2, 5, "kaiming"],
    xavier: [100, 5e-6, "xavier"],
    xavierPlus: [1, 0.05, "xavier"],
  };
  for (const [n, [g, lr, init]] of Object.entries(want)) {
    assert.ok(close(got[n][0] as number, g) && close(got[n][1] as number, lr), `${n}: ${got[n]}`);
    assert.equal(got[n][2], init);
  }
  const lit = (n: (typeof TWO_LAYER_NAMES)[number]) => twoLayerSetup(n, "literal", d, 10);
  assert.equal(lit("ntk").gamma, 1e-4);
  assert.ok(close(lit("kaiming").lr, 5));
  for (const n of ["meanField", "kaimingPlus", "xavier", "xavierPlus"] as const) {
    assert.deepEqual(lit(n), { ...twoLayerSetup(n, "corrected", d, 10), variant: "literal" });
  }
  assert.equal(twoLayerSetup("ntk", "corrected", d, 16).inputScale, 0.25);
  assert.equal(twoLayerSetup("kaiming", "corrected", d, 16).inputScale, 1);
  assert.throws(() => twoLayerSetup("ntk", "other" as "literal", d, 10), RangeError);
});

Deno.test("twoLayerSetup() pairs meet at the reference width dRef it is given", () => {
  const opts = { dRef: 400, eta0: 0.1 };
  for (const [k, f] of PAIRS) {
    const [a, b] = [
      twoLayerSetup(k, "corrected", 400, 10, opts),
      twoLayerSetup(f, "corrected", 400, 10, opts),
    ];
    assert.ok(Math.abs(a.gamma - b.gamma) < 1e-15 && Math.abs(a.lr - b.lr) < 1e-15, `${k}/${f}`);
  }
});

Deno.test("twoLayerSetup() rejects widths that are not positive integers", () => {
  for (const [d, inputDim] of [[0, 10], [100, 0], [100.5, 10], [100, 2.5]]) {
    assert.throws(() => twoLayerSetup("ntk", "corrected", d, inputDim), /positive integer widths/);
  }
});
