/**
 * SPEC 6 claims 1-3: the closed form against the parameter-flow ODE and against gradient descent,
 * the invariants and the final NTK. GD numbers come from `theory-vs-gd`; the ODE numbers from the
 * report's own integration of the same cases ({@link FlowCheck}).
 */
import { argMax, notRun, num, pct, summaryOf, verdictOf } from "./_format.ts";
import type { TheorySummary } from "./contracts.ts";
import type { Check, ClaimContext, ClaimDef } from "./types.ts";

const STAGE = "theory-vs-gd";

function odeScale(ctx: ClaimContext): string {
  const f = ctx.flowCheck;
  if (!f) return "";
  const widths = [...new Set(f.cases.map((c) => c.d))].join(", ");
  return `ODE: ${f.cases.length} showcase cases (d = ${widths}), DOPRI rtol ${
    f.rtol.toExponential(0)
  }, ` +
    `${f.cases[0]?.times ?? 0} times from g0 to past convergence, η_u = 1, η_w = β`;
}

type OdeKey = "maxAbsErr" | "maxInvariantDrift" | "kInfRelErr" | "finalGapOverA";

function odeCheck(
  ctx: ClaimContext,
  label: string,
  key: OdeKey,
  limit: number,
  criterion: string,
): Check {
  if (!ctx.flowCheck) return notRun(label, criterion, "no ODE check: theory-vs-gd is not an input");
  const w = argMax(ctx.flowCheck.cases, (c) => c[key]);
  return {
    label,
    measured: `${num(w[key], 2)} (worst case: ${w.case})`,
    criterion,
    verdict: verdictOf(w[key] < limit),
  };
}

function gdCheck(ctx: ClaimContext): Check {
  const s = summaryOf<TheorySummary>(ctx.input(STAGE), "summary.json");
  const label = "GD vs closed form: max over every step k of |g_GD(k) − g(t = k)| / |a|";
  const criterion = '≤ 0.3% of |a| when m2·K0·step ≤ 0.02 (SPEC\'s "≲ 0.3%" read as ≤ 0.3%; ' +
    "κ ≥ m2·K0·step, so κ ≤ 0.02 meets SPEC's condition)";
  if (!s) return notRun(label, criterion, `${STAGE} wrote no summary.json`);
  const at = (
    kappa: number,
    cases: { case: string; maxAbsErrOverA: number; divergedAt: number | null }[],
  ) => {
    const w = argMax(cases, (c) => c.maxAbsErrOverA);
    const per = cases.map((c) => `${c.case}: ${pct(c.maxAbsErrOverA)}`).join("; ");
    const diverged = cases.filter((c) => c.divergedAt !== null).map((c) => c.case);
    const text = `${pct(w.maxAbsErrOverA)} (worst case: ${w.case}) at κ = m2·max(K0, K∞)·step = ` +
      `${kappa} over ${s.steps} steps [${per}]` +
      (diverged.length ? `; diverged: ${diverged.join(", ")}` : "");
    return { text, ok: w.maxAbsErrOverA <= 0.003 && diverged.length === 0 };
  };
  // every step that ran, largest first; those with κ ≤ 0.02 are within SPEC's condition (κ ≥
  // m2·K0·step) and are judged, and the error grows about linearly with the step
  const runs = [{ kappa: s.kappa, cases: s.cases }, ...(s.limit ? [s.limit] : [])]
    .filter((r, i, all) => all.findIndex((o) => o.kappa === r.kappa) === i)
    .sort((a, b) => b.kappa - a.kappa)
    .map((r) => ({ kappa: r.kappa, ...at(r.kappa, r.cases) }));
  const judged = runs.filter((r) => r.kappa <= 0.02);
  const largest = judged.length ? judged[0].kappa : null;
  const note = largest === null
    ? ". No step within κ ≤ 0.02 ran: not judged"
    : largest < 0.02
    ? `. Judged at κ ≤ ${largest} only: the 0.02 end of SPEC's range is not tested`
    : ". Judged at every κ ≤ 0.02 that ran (κ = 0.02 is SPEC's limit itself where K0 ≥ K∞, " +
      "the aligned large output; elsewhere it is within it)";
  return {
    label,
    measured: runs.map((r) => r.kappa <= 0.02 ? r.text : `${r.text} (not judged: κ > 0.02)`)
      .join("; ") + note,
    criterion,
    verdict: largest === null ? "not-run" : verdictOf(judged.every((r) => r.ok)),
  };
}

function gdFinalInfo(ctx: ClaimContext): Check[] {
  const s = summaryOf<TheorySummary>(ctx.input(STAGE), "summary.json");
  if (!s) return [];
  const w = argMax(s.cases, (c) => c.finalGapOverA);
  return [{
    label: `GD after ${s.steps} steps: max |g − a| / |a|`,
    measured: `${num(w.finalGapOverA, 2)} (worst case: ${w.case})`,
    criterion: "none: a finite run, not the converged state",
    verdict: "info",
  }];
}

/** Claims 1, 2 and 3. */
export const FLOW_CLAIMS: ClaimDef[] = [
  {
    id: "1",
    tag: "D",
    statement: "Closed form vs ODE integration: max abs error < 1e-8 (float64). GD with " +
      "m2·K0·(step) ≤ 0.02: trajectory error ≲ 0.3% of |a|; converged g = a to 1e-10.",
    stages: [STAGE],
    evaluate: (ctx) => {
      const s = summaryOf<TheorySummary>(ctx.input(STAGE), "summary.json");
      return {
        scale: `${odeScale(ctx)}. GD: ${s?.cases.length} cases, ${s?.steps} steps at κ = ${
          [s?.kappa, ...(s?.limit && s.limit.kappa !== s.kappa ? [s.limit.kappa] : [])].join(
            " and ",
          )
        }`,
        checks: [
          odeCheck(
            ctx,
            "closed form vs ODE: max abs error over g, K, |u|, |w|, cos θ",
            "maxAbsErr",
            1e-8,
            "< 1e-8 (absolute, units of the problem: a = 1, m2 = 1)",
          ),
          gdCheck(ctx),
          odeCheck(
            ctx,
            "converged output: |g(t_end) − a| / |a| on the ODE, t_end = 70 relaxation times past 0.999",
            "finalGapOverA",
            1e-10,
            "< 1e-10 (read as the converged flow, not a finite GD run)",
          ),
          ...gdFinalInfo(ctx),
        ],
      };
    },
  },
  {
    id: "2",
    tag: "D",
    statement: "Invariants Q, c, J², K² − 4γ̃²g² constant along the flow (relative drift < 1e-9 " +
      "in float64).",
    stages: [STAGE],
    evaluate: (ctx) => ({
      scale: `${odeScale(ctx)}; Q (d×d) only for d ≤ 1000`,
      checks: [odeCheck(
        ctx,
        "max relative drift of c, J², K² − 4γ̃²g², Q along the ODE",
        "maxInvariantDrift",
        1e-9,
        "< 1e-9 (drift over the larger of the invariant's scale at 0 and at t)",
      )],
    }),
  },
  {
    id: "3",
    tag: "D",
    statement: "K∞ = √(K0² + 4γ̃²(a² − g0²)) matches the simulated final NTK to < 1e-6 relative.",
    stages: [STAGE],
    evaluate: (ctx) => ({
      scale: `${odeScale(ctx)}; final NTK at t_end`,
      checks: [odeCheck(
        ctx,
        "|K∞ formula / K_ODE(t_end) − 1|",
        "kInfRelErr",
        1e-6,
        '< 1e-6 ("simulated" read as the integrated gradient flow: GD\'s final NTK differs from ' +
          "the flow's by its finite step, O(step))",
      )],
    }),
  },
];
