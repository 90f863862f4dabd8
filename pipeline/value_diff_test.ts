import assert from "node:assert/strict";
import { join } from "node:path";
import {
  compareFile,
  csvFields,
  distinct,
  jsonFields,
  renderField,
  renderFileValues,
  textLines,
} from "./value_diff.ts";

Deno.test("jsonFields() gathers array items into one field and says how many differ and by how much", () => {
  const before = {
    summary: { acc: 0.7028, seed: 0, note: "x" },
    epochs: [{ acc: 0.5, loss: 2 }, { acc: 0.6, loss: 1 }, { acc: 0.7028, loss: 0.5 }],
  };
  const after = {
    summary: { acc: 0.8036, seed: 0, note: "x" },
    epochs: [{ acc: 0.5, loss: 2 }, { acc: 0.61, loss: 1 }, { acc: 0.8036, loss: 0.5 }],
  };
  const fields = jsonFields(before, after);
  assert.deepEqual(fields.map((f) => f.field), ["summary.acc", "epochs[].acc"]);
  const [acc, epochs] = fields;
  assert.deepEqual([acc.count, acc.changed, acc.last], [[1, 1], 1, [0.7028, 0.8036]]);
  assert.deepEqual([epochs.count, epochs.changed, epochs.last], [[3, 3], 2, [0.7028, 0.8036]]);
  assert.ok(Math.abs(epochs.maxAbs! - 0.1008) < 1e-12);
  assert.ok(Math.abs(epochs.maxRel! - 0.1008 / 0.8036) < 1e-12);
  assert.equal(renderField(acc), "summary.acc: 0.7028 -> 0.8036 (+0.101)");
  assert.equal(
    renderField(epochs),
    "epochs[].acc: 3 values, 2 differ, max |diff| 0.101 (relative 0.125); last 0.7028 -> 0.8036 (+0.101)",
  );
  assert.deepEqual(jsonFields(before, structuredClone(before)), []);
});

Deno.test("jsonFields() counts items added and removed, and fields only one build has", () => {
  const fields = jsonFields(
    { losses: [3, 2, 1], old: 1, list: [], text: "a" },
    { losses: [3, 2, 1, 0.5, 0.25], new: { k: true }, list: [], text: "b" },
  );
  const by = Object.fromEntries(fields.map((f) => [f.field, f]));
  assert.deepEqual(Object.keys(by), ["losses[]", "new.k", "text", "old"]);
  assert.deepEqual([by["losses[]"].count, by["losses[]"].changed], [[3, 5], 0]);
  assert.equal(
    renderField(by["losses[]"]),
    "losses[]: 3 -> 5 values, 0 of the 3 both have differ; last 1 -> 0.25 (-0.75)",
  );
  assert.equal(renderField(by["new.k"]), "new.k: added (true)");
  assert.equal(renderField(by.old), "old: removed (was 1)");
  assert.equal(renderField(by.text), 'text: "a" -> "b"');
  assert.equal(by.text.maxAbs, undefined);
  // a value that changes kind, and the whole file's value
  assert.equal(renderField(jsonFields({ a: 1 }, { a: "1" })[0]), 'a: 1 -> "1"');
  assert.equal(renderField(jsonFields(1, 2)[0]), "(value): 1 -> 2 (+1)");
  assert.equal(jsonFields({ "a b": [1] }, { "a b": [2] })[0].field, '"a b"[]');
});

Deno.test("distinct() shows as many digits as tell two numbers apart, at least 4", () => {
  assert.equal(distinct(0.70280000209, 0.8), "0.7028");
  assert.equal(distinct(1.0000001, 1.0000002), "1.0000001");
  assert.equal(distinct(1.0000002, 1.0000001), "1.0000002");
  assert.equal(distinct(0.1 + 0.2, 0.3), "0.30000000000000004");
  assert.equal(distinct(-3.2e-9, 1), "-3.2e-9");
});

Deno.test("csvFields() compares columns by name and rows by position, numbers as numbers", () => {
  const before = "step,zeta,name\n0,1.5,a\n1,2.5,b\n";
  const after = "step,name,zeta\n0,a,1.5\n1,c,2.75\n2,d,3\n";
  const fields = csvFields(before, after);
  const by = Object.fromEntries(fields.map((f) => [f.field, f]));
  assert.deepEqual(Object.keys(by).sort(), ["name", "step", "zeta"]);
  assert.deepEqual([by.zeta.count, by.zeta.changed, by.zeta.maxAbs], [[2, 3], 1, 0.25]);
  assert.deepEqual([by.name.changed, by.name.last], [1, ["b", "d"]]);
  assert.deepEqual([by.step.count, by.step.changed], [[2, 3], 0]);
  // the same numbers written differently are the same; repeated column names are told apart
  assert.deepEqual(csvFields("x\n1.0\n", "x\n1\n"), []);
  assert.deepEqual(csvFields("x,x\n1,2\n", "x,x\n1,3\n").map((f) => f.field), ["x#2"]);
});

Deno.test("textLines() counts removed and added lines as multisets and finds the first change", () => {
  assert.deepEqual(textLines("a\nb\nc\n", "a\nc\nb\n"), {
    count: [3, 3],
    removed: 0,
    added: 0,
    first: { line: 2, column: 1, before: "b", after: "c" },
  });
  assert.deepEqual(textLines("a\nb\n", "a\nb\nc\n"), {
    count: [2, 3],
    removed: 0,
    added: 1,
    first: { line: 3, column: 1, before: "", after: "c" },
  });
  assert.deepEqual(textLines("a\nb", "a\nB"), {
    count: [2, 2],
    removed: 1,
    added: 1,
    first: { line: 2, column: 1, before: "b", after: "B" },
  });
  // a long line (an SVG, minified JSON) is shown around the column where it first differs
  const long = (c: string) => `${"x".repeat(100)}${c}${"y".repeat(100)}`;
  assert.deepEqual(textLines(long("a"), long("b")).first, {
    line: 1,
    column: 101,
    before: `...${"x".repeat(20)}a${"y".repeat(59)}...`,
    after: `...${"x".repeat(20)}b${"y".repeat(59)}...`,
  });
  assert.deepEqual(textLines("same\n", "same\n"), { count: [1, 1], removed: 0, added: 0 });
});

Deno.test("compareFile() compares by kind: JSON, CSV, text, binary, and JSON that does not parse", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pair = async (
      name: string,
      a: string | Uint8Array,
      b: string | Uint8Array,
      maxBytes?: number,
    ) => {
      const [pa, pb] = [join(dir, `a-${name}`), join(dir, `b-${name}`)];
      for (const [p, v] of [[pa, a], [pb, b]] as const) {
        if (typeof v === "string") await Deno.writeTextFile(p, v);
        else await Deno.writeFile(p, v);
      }
      return await compareFile(name, pa, pb, maxBytes);
    };
    const json = await pair("run.json", '{"acc":0.5}', '{"acc": 0.5}');
    assert.deepEqual([json.kind, json.fields], ["json", []]);
    assert.deepEqual(renderFileValues(json), ["run.json: the same values, written differently"]);
    const csv = await pair("t.CSV", "x\n1\n", "x\n2\n");
    assert.deepEqual(renderFileValues(csv), ["t.CSV  x: 1 -> 2 (+1)"]);
    const md = await pair("r.md", "# a\n", "# b\n");
    assert.deepEqual(renderFileValues(md), [
      'r.md: 1 -> 1 lines, 1 removed, 1 added; first at line 1, column 3: "# a" -> "# b"',
    ]);
    const png = await pair("f.png", new Uint8Array([137, 0, 1]), new Uint8Array([137, 0]));
    assert.deepEqual(renderFileValues(png), ["f.png: binary, 3 -> 2 bytes"]);
    const bad = await pair("bad.json", "{", "{}");
    assert.deepEqual([bad.kind, bad.note], ["text", "not valid JSON"]);
    assert.match(renderFileValues(bad)[0], /^bad\.json \(not valid JSON\): 1 -> 1 lines/);
    // a file larger than the limit is compared by size only
    const large = await pair("big.json", "[1,2]", "[1,3]", 4);
    assert.deepEqual(renderFileValues(large), [
      "big.json (larger than 4 bytes): binary, 5 -> 5 bytes",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("renderFileValues() lists at most `most` fields and says how many more there are", () => {
  const before = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`f${i}`, i]));
  const after = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`f${i}`, i + 1]));
  const lines = renderFileValues(
    { path: "s.json", kind: "json", fields: jsonFields(before, after), size: [1, 1] },
    3,
  );
  assert.deepEqual(lines, [
    "s.json  f0: 0 -> 1 (+1)",
    "s.json  f1: 1 -> 2 (+1)",
    "s.json  f2: 2 -> 3 (+1)",
    "s.json  and 6 more fields (--json lists all)",
  ]);
});
