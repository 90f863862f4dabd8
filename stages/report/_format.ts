/** Number formatting and summary access shared by the claim evaluators. */
import type { Check, InputResult, Verdict } from "./types.ts";

/** A number in short scientific or fixed notation. */
export function num(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e4 ? String(Number(x.toPrecision(digits))) : x.toExponential(digits - 1);
}

/** A fraction as a percentage with two decimals. */
export function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

/** "pass" when `ok`, else "fail". */
export function verdictOf(ok: boolean): Verdict {
  return ok ? "pass" : "fail";
}

/** A check that could not be made, with the reason as its measured text. */
export function notRun(label: string, criterion: string, reason: string): Check {
  return { label, measured: reason, criterion, verdict: "not-run" };
}

/** A JSON summary of an input, or undefined. */
export function summaryOf<T>(input: InputResult | undefined, file: string): T | undefined {
  return input?.summaries[file] as T | undefined;
}

/** The element maximising `f`. */
export function argMax<T>(xs: T[], f: (x: T) => number): T {
  return xs.reduce((best, x) => (f(x) > f(best) ? x : best));
}

/** Mean of numbers. */
export function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample standard deviation (n − 1), as Vega-Lite's `stdev` error bars; 0 for one number. */
export function sampleStd(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}
