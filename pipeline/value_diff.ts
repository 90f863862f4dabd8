/**
 * `pipeline diff --values`: how the values of an output file changed between two builds, as
 * `dvc metrics diff` shows old and new metrics. JSON files are compared leaf by leaf, CSV files
 * column by column, other text line by line; other files by size only. A field gathers the leaves
 * that differ only in array indices (`epochs[].test_acc`), so a 200-epoch history is one line
 * saying how many values differ, by how much at most, and its last value before and after.
 */
import { CsvError, parse } from "csv-parse/sync";
import type { Json } from "./hash.ts";

/** One field's change: a JSON path with array indices as `[]`, or a CSV column. */
export interface FieldChange {
  field: string;
  /** How many values the field has in the earlier build and in this one. */
  count: [number, number];
  /** How many of its positions (exact paths, CSV rows) both builds have. */
  both: number;
  /** Of the positions both builds have, how many hold different values. */
  changed: number;
  /** The field's last value in each build (null where it has none). */
  last: [Json, Json];
  /** The largest |after − before| over the positions where both values are numbers, if any. */
  maxAbs?: number;
  /** The largest |after − before| / max(|before|, |after|) over the same positions. */
  maxRel?: number;
}

/** How one output file's values changed. */
export interface FileValues {
  path: string;
  /** How it was compared: json and csv by fields, text by lines, binary by size. */
  kind: "json" | "csv" | "text" | "binary";
  /**
   * json, csv: the fields whose values differ or whose positions are not all in both builds, in
   * the order of this build's file (as JavaScript lists an object's keys: integer-like keys
   * first), then those only the earlier build has.
   */
  fields?: FieldChange[];
  /**
   * text: lines of the earlier build not in this one (removed) and of this one not in the earlier
   * one (added), counted as multisets, so that a moved block counts as neither; where they first
   * differ (line and column, from 1), with up to 80 characters of both lines from 20 before that
   * column (null for a line a build does not have); and, where every line is the same, whether
   * each ends with a newline.
   */
  lines?: {
    count: [number, number];
    removed: number;
    added: number;
    first?: { line: number; column: number; before: string | null; after: string | null };
    finalNewline?: [boolean, boolean];
  };
  /** Sizes in bytes (every kind). */
  size: [number, number];
  /** Why the file was compared as a kind other than its name says (JSON that does not parse). */
  note?: string;
}

/** Files larger than this are compared by size only. */
export const MAX_VALUE_BYTES = 16 * 1024 * 1024;

/** A file's values by position (an exact JSON path, a CSV row and column), in the file's order. */
type Positions = Map<string, { field: string; value: Json }>;

/**
 * The leaves of a JSON value (scalars, empty arrays and objects) by exact path, each with its field:
 * the path with every array index as `[]`, `(value)` for the whole file's value. Walked without
 * recursion, so that no depth of nesting overflows the stack.
 */
function leaves(root: Json): Positions {
  const out: Positions = new Map();
  const stack: [Json, string, string][] = [[root, "", ""]];
  while (stack.length > 0) {
    const [v, path, field] = stack.pop()!;
    const items: [Json, string, string][] = [];
    if (Array.isArray(v)) {
      v.forEach((x, i) => items.push([x, `${path}[${i}]`, `${field}[]`]));
    } else if (v !== null && typeof v === "object") {
      const dot = path === "" ? "" : ".";
      for (const [k, x] of Object.entries(v)) {
        const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k);
        items.push([x, `${path}${dot}${key}`, `${field}${dot}${key}`]);
      }
    }
    if (items.length === 0) out.set(path, { field: field || "(value)", value: v });
    // one push at a time: spreading a wide array's items as arguments overflows the stack
    else for (let i = items.length - 1; i >= 0; i--) stack.push(items[i]);
  }
  return out;
}

/**
 * The fields whose values differ, or whose positions are not all in both builds, between two
 * builds' positions (matched exactly).
 */
function compareFields(before: Positions, after: Positions): FieldChange[] {
  const byField = new Map<string, FieldChange>();
  const get = (field: string) => {
    let f = byField.get(field);
    if (f === undefined) {
      f = { field, count: [0, 0], both: 0, changed: 0, last: [null, null] };
      byField.set(field, f);
    }
    return f;
  };
  for (const { field, value } of after.values()) {
    const f = get(field);
    f.count[1]++;
    f.last[1] = value;
  }
  for (const [position, { field, value: v }] of before) {
    const f = get(field);
    f.count[0]++;
    f.last[0] = v;
    const other = after.get(position);
    if (other === undefined) continue;
    f.both++;
    const w = other.value;
    if (sameJson(v, w)) continue;
    f.changed++;
    if (typeof v === "number" && typeof w === "number" && isFinite(v) && isFinite(w)) {
      const abs = Math.abs(w - v);
      const rel = abs / Math.max(Math.abs(v), Math.abs(w));
      f.maxAbs = Math.max(f.maxAbs ?? 0, abs);
      f.maxRel = Math.max(f.maxRel ?? 0, rel);
    }
  }
  return [...byField.values()].filter((f) =>
    f.changed > 0 || f.both < f.count[0] || f.both < f.count[1]
  );
}

function sameJson(a: Json, b: Json): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** JSON files leaf by leaf (see FieldChange). */
export function jsonFields(before: Json, after: Json): FieldChange[] {
  return compareFields(leaves(before), leaves(after));
}

/** A CSV cell: a number where the whole cell is one in decimal notation, else the text. */
function cell(s: string): Json {
  const decimal = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(s);
  return decimal && Number.isFinite(Number(s)) ? Number(s) : s;
}

/**
 * CSV files column by column: the first row names the columns (a repeated name gets `#2`, …, a
 * cell beyond the header `(column N)`), columns are matched by name and rows by position; the
 * header itself is the field `(columns)`. Empty lines are skipped.
 */
export function csvFields(before: string, after: string): FieldChange[] {
  const cells = (text: string) => {
    const rows: string[][] = parse(text, { relax_column_count: true, skip_empty_lines: true });
    // every field a name of its own, so that no two columns (or the header) are merged
    const used = new Set<string>();
    const unique = (name: string) => {
      let u = name;
      for (let k = 2; used.has(u); k++) u = `${name}#${k}`;
      used.add(u);
      return u;
    };
    const header = (rows[0] ?? []).map(unique);
    const headerField = unique("(columns)");
    const at: Positions = new Map();
    (rows[0] ?? []).forEach((name, c) => at.set(`h${c}`, { field: headerField, value: name }));
    rows.slice(1).forEach((row, r) =>
      row.forEach((text, c) => {
        while (c >= header.length) header.push(unique(`(column ${header.length + 1})`));
        at.set(`${r},${header[c]}`, { field: header[c], value: cell(text) });
      })
    );
    return at;
  };
  return compareFields(cells(before), cells(after));
}

/** Text files line by line (see FileValues.lines). */
export function textLines(before: string, after: string): NonNullable<FileValues["lines"]> {
  const split = (t: string) => {
    const lines = t.split("\n");
    if (lines.at(-1) === "") lines.pop();
    return lines;
  };
  const [a, b] = [split(before), split(after)];
  const counts = new Map<string, number>();
  for (const l of a) counts.set(l, (counts.get(l) ?? 0) + 1);
  let added = 0;
  for (const l of b) {
    const n = counts.get(l) ?? 0;
    if (n > 0) counts.set(l, n - 1);
    else added++;
  }
  const removed = [...counts.values()].reduce((s, n) => s + n, 0);
  const lines: NonNullable<FileValues["lines"]> = { count: [a.length, b.length], removed, added };
  const i = a.findIndex((l, i) => l !== b[i]);
  const at = i >= 0 ? i : a.length !== b.length ? Math.min(a.length, b.length) : -1;
  if (at >= 0) {
    const [x, y] = [a[at] ?? "", b[at] ?? ""];
    let c = 0;
    while (c < x.length && c < y.length && x[c] === y[c]) c++;
    const show = (l: string | undefined) => (l === undefined ? null : around(l, c));
    lines.first = { line: at + 1, column: c + 1, before: show(a[at]), after: show(b[at]) };
  } else if (before !== after) {
    lines.finalNewline = [before.endsWith("\n"), after.endsWith("\n")];
  }
  return lines;
}

/** Up to 80 characters of `s` from 20 before `c`, with "..." where it is cut. */
function around(s: string, c: number): string {
  const from = Math.max(0, c - 20);
  return `${from > 0 ? "..." : ""}${s.slice(from, from + 80)}${from + 80 < s.length ? "..." : ""}`;
}

/** The text of bytes that are valid UTF-8 without NUL bytes (a byte order mark kept), else null. */
function asText(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Compares one output file of two builds, given the paths of both copies; one larger than
 * `maxBytes` by size only.
 */
export async function compareFile(
  path: string,
  beforePath: string,
  afterPath: string,
  maxBytes = MAX_VALUE_BYTES,
): Promise<FileValues> {
  const [sa, sb] = [(await Deno.stat(beforePath)).size, (await Deno.stat(afterPath)).size];
  const size: [number, number] = [sa, sb];
  if (Math.max(sa, sb) > maxBytes) {
    return { path, kind: "binary", size, note: `larger than ${maxBytes} bytes` };
  }
  const [ta, tb] = [
    asText(await Deno.readFile(beforePath)),
    asText(await Deno.readFile(afterPath)),
  ];
  if (ta === null || tb === null) return { path, kind: "binary", size };
  const lower = path.toLowerCase();
  // a byte order mark is not part of the values (as a line of text it is)
  const [va, vb] = [ta.replace(/^\uFEFF/, ""), tb.replace(/^\uFEFF/, "")];
  if (lower.endsWith(".json")) {
    try {
      return { path, kind: "json", fields: jsonFields(JSON.parse(va), JSON.parse(vb)), size };
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      return { path, kind: "text", lines: textLines(ta, tb), size, note: "not valid JSON" };
    }
  }
  if (lower.endsWith(".csv")) {
    try {
      return { path, kind: "csv", fields: csvFields(va, vb), size };
    } catch (e) {
      if (!(e instanceof CsvError)) throw e;
      return {
        path,
        kind: "text",
        lines: textLines(ta, tb),
        size,
        note: `not valid CSV (${(e as Error).message})`,
      };
    }
  }
  return { path, kind: "text", lines: textLines(ta, tb), size };
}

/** `x` with the fewest significant digits (4 at least) that tell it from `other`. */
export function distinct(x: number, other: number): string {
  let p = 4;
  while (p < 17 && Number(x.toPrecision(p)) === Number(other.toPrecision(p))) p++;
  return String(Number(x.toPrecision(p)));
}

const short = (x: number) => String(Number(x.toPrecision(3)));

/** A value for display; text cut to 60 characters. */
function show(v: Json, other: Json): string {
  if (typeof v === "number") return typeof other === "number" ? distinct(v, other) : String(v);
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** One line per field. */
export function renderField(f: FieldChange): string {
  const [a, b] = f.last;
  const [na, nb] = f.count;
  if (na === 0) return `${f.field}: added${nb === 1 ? ` (${show(b, b)})` : `, ${nb} values`}`;
  if (nb === 0) return `${f.field}: removed${na === 1 ? ` (was ${show(a, a)})` : `, ${na} values`}`;
  const values = (n: number) => `${n} ${n === 1 ? "value" : "values"}`;
  const delta = typeof a === "number" && typeof b === "number" ? ` (${signed(b - a)})` : "";
  if (na === 1 && nb === 1 && f.both === 1) {
    return `${f.field}: ${show(a, b)} -> ${show(b, a)}${delta}`;
  }
  const counts = na === nb ? values(na) : `${na} -> ${values(nb)}`;
  const of = f.both === na && f.both === nb ? "" : ` of the ${f.both} both have`;
  const by = f.maxAbs === undefined
    ? ""
    : `, max |diff| ${short(f.maxAbs)} (relative ${short(f.maxRel!)})`;
  const last = sameJson(a, b) ? "" : `; last ${show(a, b)} -> ${show(b, a)}${delta}`;
  const differ = f.both === 0 ? "none at the same positions" : `${f.changed}${of} differ`;
  return `${f.field}: ${counts}, ${differ}${by}${last}`;
}

const signed = (x: number) => (x >= 0 ? `+${short(x)}` : short(x));

/** The lines for one file: a field a line (at most `most` of them), or its lines or its size. */
export function renderFileValues(v: FileValues, most = 6): string[] {
  const note = v.note ? ` (${v.note})` : "";
  if (v.fields !== undefined) {
    if (v.fields.length === 0) return [`${v.path}: the same values, written differently`];
    const shown = v.fields.slice(0, most).map((f) => `${v.path}  ${renderField(f)}`);
    const more = v.fields.length - shown.length;
    return more > 0 ? [...shown, `${v.path}  and ${more} more fields (--json lists all)`] : shown;
  }
  if (v.lines !== undefined) {
    const { count, removed, added, first, finalNewline } = v.lines;
    const head = `${v.path}${note}: ${count[0]} -> ${count[1]} lines, ${removed} removed, ` +
      `${added} added`;
    if (finalNewline !== undefined) {
      const nl = (b: boolean) => (b ? "a final newline" : "none");
      return [`${head}; only the end differs: ${nl(finalNewline[0])} -> ${nl(finalNewline[1])}`];
    }
    if (first === undefined) return [head];
    const at = `line ${first.line}${first.column > 1 ? `, column ${first.column}` : ""}`;
    const line = (l: string | null) => (l === null ? "(no such line)" : JSON.stringify(l));
    return [`${head}; first at ${at}: ${line(first.before)} -> ${line(first.after)}`];
  }
  return [`${v.path}${note}: binary, ${v.size[0]} -> ${v.size[1]} bytes`];
}
