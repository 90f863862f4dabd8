import assert from "node:assert/strict";
import { UsageError } from "./errors.ts";
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

function stage(id: string, params: Stage["params"] = { p: 1 }): Stage {
  return {
    id,
    module: import.meta.url,
    params,
    inputs: {},
    resources: { device: "cpu", threads: 1, memoryMiB: 64 },
    publish: [],
    description: id,
    run: async () => {},
  };
}

Deno.test("applySets() sets a stage's param and not that of a stage whose id extends it", () => {
  const out = applySets([stage("a"), stage("ab"), stage("b")], ["a.p=2", "*b.p=3"]);
  assert.deepEqual(out.map((s) => [s.id, s.params.p]), [["a", 2], ["ab", 3], ["b", 3]]);
});

Deno.test("applySets() reads the param after the last dot, so a stage id may hold dots", () => {
  const out = applySets([stage("fig3-sigma0.5"), stage("fig3-sigma0")], ["fig3-sigma0.5.p=7"]);
  assert.deepEqual(out.map((s) => [s.id, s.params.p]), [["fig3-sigma0.5", 7], ["fig3-sigma0", 1]]);
});

Deno.test("applySets() lets a param whose preset is null take any JSON value", () => {
  const a = stage("a", { limit: null });
  assert.deepEqual(applySets([a], ["a.limit=3"])[0].params, { limit: 3 });
  assert.deepEqual(applySets([a], ["a.limit=[1,2]"])[0].params, { limit: [1, 2] });
});

Deno.test("applySets() rejects a set with no stage before the dot as malformed", () => {
  assert.throws(
    () => applySets([stage("a")], [".p=2"]),
    (e) =>
      e instanceof UsageError &&
      e.message === 'Expected --set in the form stage.param=value but found ".p=2"',
  );
});

Deno.test("applySets() says when a value is not JSON, with the kind and its article", () => {
  const a = stage("a", { q: [1, 2, 3], o: { k: 1 }, n: 1 });
  const message = (set: string) => {
    try {
      applySets([a], [set]);
      return "";
    } catch (e) {
      assert.ok(e instanceof UsageError);
      return e.message;
    }
  };
  assert.equal(
    message("a.q=[1,2"),
    'Expected --set a.q to be an array (as JSON) but found "[1,2", which is not valid JSON',
  );
  assert.equal(message("a.q=3"), "Expected --set a.q to be an array but found a number, 3");
  assert.equal(message("a.o=[1]"), "Expected --set a.o to be an object but found an array, [1]");
  assert.equal(message("a.n=true"), "Expected --set a.n to be a number but found a boolean, true");
  assert.equal(message('a.n="2"'), 'Expected --set a.n to be a number but found a string, "2"');
  assert.equal(message("a.n=null"), "Expected --set a.n to be a number but found null");
  const nonFinite = [
    ["a.n", "1e400"],
    ["a.n", "-1e400"],
    ["a.q", "[1,1e400]"], // at any depth
    ["a.o", '{"k":[-1e999]}'],
  ];
  for (const [where, text] of nonFinite) {
    assert.equal(
      message(`${where}=${text}`),
      `Expected --set ${where} to hold finite numbers only but found ${text}`,
    );
  }
});
