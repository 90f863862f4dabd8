import assert from "node:assert/strict";
import { applySets, globToRegExp } from "./overrides.ts";
import type { Stage } from "./stage.ts";

Deno.test("globToRegExp() matches whole stage ids, with * for any run of characters", () => {
  assert.ok(globToRegExp("fig3").test("fig3"));
  assert.ok(!globToRegExp("fig3").test("fig3-sigma1"));
  assert.ok(!globToRegExp("sigma1").test("fig3-sigma1"));
  assert.ok(globToRegExp("fig3-*").test("fig3-sigma1-seed0"));
  assert.ok(!globToRegExp("fig3-*").test("xfig3-sigma1"));
  assert.ok(globToRegExp("*-seed0").test("fig3-sigma1-seed0"));
  assert.ok(!globToRegExp("*-seed0").test("fig3-sigma1-seed01"));
  // regular-expression characters in an id are literal
  assert.ok(!globToRegExp("a.b").test("axb"));
  assert.ok(globToRegExp("a.b+(c)").test("a.b+(c)"));
});

Deno.test("applySets() sets a stage's param and not that of a stage whose id extends it", () => {
  const stage = (id: string): Stage => ({
    id,
    module: import.meta.url,
    params: { p: 1 },
    inputs: {},
    resources: { device: "cpu", threads: 1, memoryMiB: 64 },
    publish: [],
    description: id,
    run: async () => {},
  });
  const out = applySets([stage("a"), stage("ab"), stage("b")], ["a.p=2", "*b.p=3"]);
  assert.deepEqual(out.map((s) => [s.id, s.params.p]), [["a", 2], ["ab", 3], ["b", 3]]);
});
