/** Measurements of `phase-diagram` that SPEC 6 gives no criterion for: reported, not judged. */
import { num, summaryOf } from "./_format.ts";
import type { PhaseSummary } from "./contracts.ts";
import type { ClaimDef } from "./types.ts";

/** Supplementary rows S1 and S2. */
export const PHASE_ROWS: ClaimDef[] = [
  {
    id: "S1",
    tag: "D",
    statement: "Infinite-width phase diagram (SPEC 4.3): the exponent of ζ(∞) in d fitted on the " +
      "exact solution matches the predicted exponent on the (q, b) grid.",
    stages: ["phase-diagram"],
    evaluate: (ctx) => {
      const input = ctx.input("phase-diagram");
      const s = summaryOf<PhaseSummary>(input, "summary.json");
      const widths = (input?.params.widths as number[] | undefined)?.join(", ");
      return {
        scale:
          `(q, b) grid ${JSON.stringify(input?.params.q)} × ${JSON.stringify(input?.params.b)}` +
          ` (from, to, points); fit over d = ${widths}`,
        checks: [{
          label: "max |fitted − predicted exponent| over the grid",
          measured: s ? num(s.exponentMaxAbsError) : "no summary.json",
          criterion: "none in SPEC 6",
          verdict: "info",
        }],
      };
    },
  },
  {
    id: "S2",
    tag: "D",
    statement: "Feature learning is strongest at β* = |w0|²/|u0|² (SPEC 4.2).",
    stages: ["phase-diagram"],
    evaluate: (ctx) => {
      const input = ctx.input("phase-diagram");
      const s = summaryOf<PhaseSummary>(input, "summary.json");
      const [lo, hi, n] = (input?.params.beta as number[] | undefined) ?? [0, 0, 2];
      return {
        scale: `β = 10^${lo} … 10^${hi}, ${n} points (log10 spacing ${
          num((hi - lo) / (n - 1))
        }) and β* itself`,
        checks: [{
          label: "β of the largest ζ(∞) on the grid vs β*",
          measured: s
            ? `${num(s.betaAtMaxZeta)} vs β* = ${num(s.betaStar)} (log10 ratio ${
              num(Math.log10(s.betaAtMaxZeta / s.betaStar))
            })`
            : "no summary.json",
          criterion: "none in SPEC 6; β* is a point of the grid, so this says that no grid point " +
            "(log10 spacing above) beats it, not where the continuous maximum lies to better than that",
          verdict: "info",
        }],
      };
    },
  },
];
