/** "Did you mean" for a misspelt stage id or target (edit distance from fastest-levenshtein). */
import { closest, distance } from "fastest-levenshtein";

/**
 * ` (did you mean "x"?)`, where x is the name of `known` nearest `name` by edit distance and at
 * most one edit in four away (at least one), else "". Patterns with `*` get no suggestion.
 */
export function didYouMean(name: string, known: Iterable<string>): string {
  const names = [...new Set(known)];
  if (name.includes("*") || names.length === 0) return "";
  const near = closest(name, names);
  const d = distance(name, near);
  return d > 0 && d <= Math.max(1, Math.floor(name.length / 4)) ? ` (did you mean "${near}"?)` : "";
}
