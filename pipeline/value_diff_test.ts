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

Deno.test("jsonFields() reports positions only one build has, though the counts match", () => {
  // inner arrays of other lengths: 6 values either way, 4 of them at the same paths
  const nested = jsonFields(
    { e: [{ l: [1, 2, 3] }, { l: [4, 5, 6] }] },
    { e: [{ l: [1, 2] }, { l: [4, 5] }, { l: [7, 8] }] },
  );
  assert.deepEqual(nested.map((f) => [f.field, f.count, f.both, f.changed]), [
    ["e[].l[]", [6, 6], 4, 0],
  ]);
  assert.equal(
    renderField(nested[0]),
    "e[].l[]: 6 values, 0 of the 4 both have differ; last 6 -> 8 (+2)",
  );
  const shifted = jsonFields({ e: [[1, 2, 3], [4]] }, { e: [[1, 2], [9, 9, 9]] })[0];
  assert.equal(
    renderField(shifted),
    "e[][]: 4 -> 5 values, 1 of the 3 both have differ, max |diff| 5 (relative 0.556); last 4 -> 9 (+5)",
  );
  // an array that becomes an object, an empty array that fills up, quoted keys kept whole
  const kinds = jsonFields({ a: [1], e: [] }, { a: { "0": 1 }, e: [1] }).map((f) => f.field);
  assert.deepEqual(kinds, ['a."0"', "e[]", "a[]", "e"]);
  assert.equal(jsonFields({ "x[1]": [1] }, { "x[1]": [2] })[0].field, '"x[1]"[]');
  // an array wider than a call's arguments may be, and one position each at different paths
  const wide = Array.from({ length: 200_000 }, (_, i) => i);
  const widened = jsonFields({ v: wide }, { v: [...wide, 0] })[0];
  assert.deepEqual([widened.count, widened.both], [[200_000, 200_001], 200_000]);
  assert.equal(
    renderField(
      jsonFields({ a: [{ x: 1 }] }, { a: [{}, { x: 2 }] }).find((f) => f.field === "a[].x")!,
    ),
    "a[].x: 1 value, none at the same positions; last 1 -> 2 (+1)",
  );
  // nesting deeper than the call stack would allow
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const deeper = jsonFields(deep as never, [deep] as never);
  assert.deepEqual(deeper.map((f) => [f.field.length, f.count]), [[200_002, [0, 1]], [
    200_000,
    [1, 0],
  ]]);
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
  // the header's order changed too: it is a field of its own
  assert.deepEqual(Object.keys(by).sort(), ["(columns)", "name", "step", "zeta"]);
  assert.deepEqual([by["(columns)"].count, by["(columns)"].changed], [[3, 3], 2]);
  assert.deepEqual([by.zeta.count, by.zeta.changed, by.zeta.maxAbs], [[2, 3], 1, 0.25]);
  assert.deepEqual([by.name.changed, by.name.last], [1, ["b", "d"]]);
  assert.deepEqual([by.step.count, by.step.changed], [[2, 3], 0]);
  // the same numbers written differently are the same; repeated column names are told apart,
  // also from a column that has the name a repeat would get
  assert.deepEqual(csvFields("x\n1.0\n", "x\n1\n"), []);
  assert.deepEqual(csvFields("x,x\n1,2\n", "x,x\n1,3\n").map((f) => f.field), ["x#2"]);
  const names = csvFields("x,x,x#2\n1,2,3\n", "x,x,x#2\n1,5,7\n").map((f) => f.field);
  assert.deepEqual(names, ["x#2", "x#2#2"]);
  assert.deepEqual(csvFields("x,x,x\n1,2,3\n", "x,x,x\n1,2,4\n").map((f) => f.field), ["x#3"]);
  // ragged rows, cells beyond the header, a renamed column of a header-only file, quoted fields,
  // hexadecimal text (not a number), empty lines (skipped)
  const ragged = csvFields("a,b\n1\n2,3\n", "a,b\n1,3\n2\n").map((f) => f.field);
  assert.deepEqual(ragged, ["b"]);
  const beyond = csvFields("a\n1,2\n", "a\n1,3\n");
  assert.deepEqual(beyond.map((f) => [f.field, f.changed]), [["(column 2)", 1]]);
  assert.deepEqual(csvFields("a,b\n", "a,c\n").map((f) => f.field), ["(columns)"]);
  const quoted = csvFields('q,r\n"1,5",2\n', 'q,r\n"1,6",2\n');
  assert.deepEqual(quoted.map((f) => [f.field, f.last]), [["q", ["1,5", "1,6"]]]);
  // a column named as the header's field or an extra cell's is not merged with them
  const clash = csvFields("(columns),a\n1,2,3\n", "(columns),a\n1,2,4\n");
  assert.deepEqual(clash.map((f) => [f.field, f.last]), [["(column 3)", [3, 4]]]);
  const header = csvFields("(column 2)\n1,2\n", "(column 2)\n7,2\n");
  assert.deepEqual(header.map((f) => [f.field, f.last]), [["(column 2)", [1, 7]]]);
  // a cell out of float range is text, and no difference is taken of it
  const huge = csvFields("h\n1e999\n", "h\n1\n")[0];
  assert.deepEqual([huge.last, huge.maxAbs], [["1e999", 1], undefined]);
  assert.deepEqual(csvFields("h\n0x10\n", "h\n16\n").map((f) => f.last), [["0x10", 16]]);
  assert.deepEqual(csvFields("h\n1\n\n2\n", "h\n1\n2\n"), []);
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
    first: { line: 3, column: 1, before: null, after: "c" },
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
  // a missing line is not an empty one; a file that differs only in its final newline says so
  assert.deepEqual(textLines("a\n", "a\n\n").first, {
    line: 2,
    column: 1,
    before: null,
    after: "",
  });
  assert.deepEqual(textLines("a\nb", "a\nb\n"), {
    count: [2, 2],
    removed: 0,
    added: 0,
    finalNewline: [false, true],
  });
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
    const nl = await pair("n.txt", "a", "a\n");
    assert.deepEqual(renderFileValues(nl), [
      "n.txt: 1 -> 1 lines, 0 removed, 0 added; only the end differs: none -> a final newline",
    ]);
    const md = await pair("r.md", "# a\n", "# b\n");
    assert.deepEqual(renderFileValues(md), [
      'r.md: 1 -> 1 lines, 1 removed, 1 added; first at line 1, column 3: "# a" -> "# b"',
    ]);
    const png = await pair("f.png", new Uint8Array([137, 0, 1]), new Uint8Array([137, 0]));
    assert.deepEqual(renderFileValues(png), ["f.png: binary, 3 -> 2 bytes"]);
    // a byte order mark: not part of the values, but a difference of the text
    const bom = await pair("bom.json", "\uFEFF[1]", "[1]");
    assert.deepEqual(bom.fields, []);
    const bomText = await pair("bom.txt", "\uFEFFa\n", "a\n");
    assert.deepEqual(bomText.lines?.first, { line: 1, column: 1, before: "\uFEFFa", after: "a" });
    const badCsv = await pair("bad.csv", 'a\n"1\n', "a\n1\n");
    assert.equal(badCsv.kind, "text");
    assert.match(badCsv.note!, /^not valid CSV \(Quote Not Closed/);
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
