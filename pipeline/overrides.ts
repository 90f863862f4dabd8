/** `--set stage.param=value`: validated parameter overrides. */
import { UsageError } from "./errors.ts";
import type { Json } from "./hash.ts";
import type { Stage } from "./stage.ts";
import { didYouMean } from "./suggest.ts";

function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

/** "an array", "a number": the kind of `v` with its article. */
const aKind = (v: unknown) =>
  `${kind(v) === "array" || kind(v) === "object" ? "an" : "a"} ${kind(v)}`;

/** Whether every number in `value`, at any depth, is finite. */
function allFinite(value: Json): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value !== null && typeof value === "object") return Object.values(value).every(allFinite);
  return true;
}

/**
 * The value `text` gives an entry that now holds `current`: the text itself for a string, else
 * JSON of the same kind with finite numbers only. `where` names the entry in errors, after `flag`.
 */
export function parseValue(text: string, current: Json, where: string, flag = "--set"): Json {
  if (typeof current === "string") return text;
  let value: Json;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(
      `Expected ${flag} ${where} to be ${aKind(current)} (as JSON) but found "${text}", which is ` +
        `not valid JSON`,
    );
  }
  // the value as typed after its kind: `found a string, "2"`, `found a number, 3`, `found null`
  if (current !== null && kind(value) !== kind(current)) {
    const found = value === null ? "null" : `${aKind(value)}, ${text}`;
    throw new UsageError(`Expected ${flag} ${where} to be ${aKind(current)} but found ${found}`);
  }
  // JSON.parse reads 1e400 as Infinity, which no param can take and JSON cannot hold
  if (!allFinite(value)) {
    throw new UsageError(
      `Expected ${flag} ${where} to hold finite numbers only but found ${text}`,
    );
  }
  return value;
}

/** A stage-id pattern with `*` (any run of characters) as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${body}$`);
}

/** The parts of `stage.param=value` (the param is after the last dot before the "="). */
function parseSet(set: string): { pattern: string; param: string; text: string } {
  const eq = set.indexOf("=");
  const dot = set.lastIndexOf(".", eq < 0 ? undefined : eq);
  if (eq < 0 || dot <= 0 || dot > eq) {
    throw new UsageError(`Expected --set in the form stage.param=value but found "${set}"`);
  }
  return { pattern: set.slice(0, dot), param: set.slice(dot + 1, eq), text: set.slice(eq + 1) };
}

/** The error of a `set` whose stage part names none of the stage ids `known`. */
export function unknownStage(set: string, known: Iterable<string>): UsageError {
  const { pattern } = parseSet(set);
  return new UsageError(
    `Unknown stage "${pattern}" in --set "${set}"${didYouMean(pattern, known)}`,
  );
}

/**
 * The sets of `sets` that name none of `stages`: their stage part matches none that has their
 * param (e.g. a stage that `--only` leaves out).
 */
export function idleSets(stages: readonly Stage[], sets: readonly string[]): string[] {
  return sets.filter((set) => {
    const { pattern, param } = parseSet(set);
    const re = globToRegExp(pattern);
    return !stages.some((s) => re.test(s.id) && param in s.params);
  });
}

/** Whether the stage part of `set` names at least one of `stages`. */
export function setNamesStage(stages: readonly Stage[], set: string): boolean {
  const re = globToRegExp(parseSet(set).pattern);
  return stages.some((s) => re.test(s.id));
}

/**
 * Apply overrides of the form `stage.param=value` (the stage part may use `*` as a wildcard, which
 * sets the param on every matching stage that has it; the param is after the last dot). Values
 * are JSON, except for string params, which take the text as it is. Returns new stage objects;
 * throws UsageError naming what is wrong. With `skipUnknown`, a set whose stage part names none of
 * `stages` is left out instead (a stage that exists at another scale only).
 */
export function applySets(
  stages: Stage[],
  sets: string[],
  options: { skipUnknown?: boolean } = {},
): Stage[] {
  const out = stages.map((s) => ({ ...s, params: { ...s.params } }));
  for (const set of sets) {
    const { pattern, param, text } = parseSet(set);
    const re = globToRegExp(pattern);
    let matched = out.filter((s) => re.test(s.id));
    if (matched.length === 0 && options.skipUnknown) continue;
    if (matched.length === 0) throw unknownStage(set, out.map((s) => s.id));
    if (pattern.includes("*") && matched.some((s) => param in s.params)) {
      matched = matched.filter((s) => param in s.params); // a pattern sets the param where it exists
    }
    for (const s of matched) {
      if (!(param in s.params)) {
        const known = Object.keys(s.params).sort().join(", ") || "none";
        throw new UsageError(
          `Stage "${s.id}" has no param "${param}" (its params: ${known}) in --set "${set}"`,
        );
      }
      s.params[param] = parseValue(text, s.params[param], `${s.id}.${param}`);
    }
  }
  return out;
}
