/**
 * "Did you mean" for a misspelt stage id or target: the Damerau-Levenshtein distance (from the npm
 * package damerau-levenshtein) counts an insertion, deletion, substitution or swap of two adjacent
 * characters as one edit.
 */
import levenshtein from "damerau-levenshtein";

const edits = (a: string, b: string): number => (levenshtein(a, b) as { steps: number }).steps;

/** How many nearest names a suggestion lists before it says how many more there are. */
const SHOWN = 3;

/**
 * ` (did you mean "x"?)`, where x is the name of `known` nearest `name` and at most one edit in
 * four away (at least one), else "". Names equally near are all offered, in the order of
 * `known`: ` (did you mean "x", "y" or "z"?)`, and beyond three ` (did you mean "x", "y", "z"
 * or 2 more?)`. `what` goes before the names: "the command " gives ` (did you mean the command
 * "x"?)`. Patterns with `*` and names of `known` itself get no suggestion.
 */
export function didYouMean(name: string, known: Iterable<string>, what = ""): string {
  const names = [...new Set(known)];
  if (name.includes("*") || names.includes(name)) return "";
  const limit = Math.max(1, Math.floor(name.length / 4));
  const d = names.map((n) => edits(name, n));
  const best = Math.min(...d);
  if (!(best <= limit)) return "";
  const near = names.filter((_, i) => d[i] === best).map((n) => `"${n}"`);
  const rest = near.length - SHOWN;
  const listed = rest > 0
    ? `${near.slice(0, SHOWN).join(", ")} or ${rest} more`
    : near.length === 1
    ? near[0]
    : `${near.slice(0, -1).join(", ")} or ${near.at(-1)}`;
  return ` (did you mean ${what}${listed}?)`;
}
