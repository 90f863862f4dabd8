/** Vega-Lite specs of the phase diagrams (SPEC 4.1-4.3). Data rows are added by _vega.ts. */

/** Signed ζ_s(∞) over (log10 ρ_a, ρ_0) with the ζ_s = 0 contour ρ_a = ρ_0. */
export function finitePhaseSpec(): Record<string, unknown> {
  return {
    title: {
      text: "Finite-width phase map: signed ζ_s(∞) = K∞/K0 − 1 = √(1 + ρ_a² − ρ_0²) − 1",
      subtitle: [
        "ρ_a = 2γ̃|a|/K0 (target size), ρ_0 = 2γ̃|g0|/K0 (initial output and alignment).",
        "Red: the NTK grows (ρ_a > ρ_0); blue: it shrinks (ρ_0 > ρ_a: the initial output outweighs",
        "the target); dashed line: ρ_a = ρ_0 (ζ_s = 0). Kernel regime: ρ_a, ρ_0 → 0 (bottom left).",
        "The CSV names each cell's mechanism.",
      ],
    },
    width: 420,
    height: 300,
    layer: [
      {
        transform: [{ filter: "datum.kind === 'cell'" }],
        mark: { type: "rect" },
        encoding: {
          x: { field: "x0", type: "quantitative", title: "log10 ρ_a", scale: { nice: false } },
          x2: { field: "x1" },
          y: { field: "y0", type: "quantitative", title: "ρ_0", scale: { nice: false } },
          y2: { field: "y1" },
          color: {
            field: "zeta_signed",
            type: "quantitative",
            title: "ζ_s(∞)",
            scale: { type: "symlog", scheme: "redblue", reverse: true, domainMid: 0 },
            legend: { values: [-0.9, -0.5, 0, 1, 5, 20, 80], format: "~r" },
          },
        },
      },
      {
        transform: [{ filter: "datum.kind === 'contour'" }],
        mark: { type: "line", color: "black", strokeWidth: 2, strokeDash: [6, 3] },
        encoding: {
          x: { field: "log10_rho_a", type: "quantitative" },
          y: { field: "rho_0", type: "quantitative" },
        },
      },
    ],
  };
}

const HALVES = "round(datum.value * 2) === datum.value * 2 ? datum.value : ''";

/** The (q, b) plane of the balanced infinite-width diagram, coloured by the fitted exponent. */
export function infinitePhaseSpec(): Record<string, unknown> {
  return {
    title: {
      text: "Infinite-width phase diagram: exponent of ζ(∞) in d, with γ ∝ d^−q, σ² ∝ d^−b",
      subtitle: [
        "Learning rate η ∝ d^(2q+b−1) keeps K0 = Θ(1). Theory: kernel (ζ → 0, exponent 2(q+b−1)) for q + b < 1,",
        "feature learning (exponent 0) on q + b = 1, divergent feature learning (exponent q+b−1) above.",
        "Colour: slope of log ζ(∞) against log d fitted on the exact solution at d = 10⁴…10⁶; line: q + b = 1.",
        "Fitted at cos θ0 = 0 (the expected initial statistics); a random init's cos θ0 ~ d^(−1/2) adds a",
        "disalignment term (claim 4 reports its effect on the slopes of Kaiming and Xavier).",
      ],
    },
    width: 380,
    height: 320,
    layer: [
      {
        transform: [{ filter: "datum.kind === 'cell'" }],
        mark: { type: "rect" },
        encoding: {
          x: {
            field: "q",
            type: "ordinal",
            title: "output-scale exponent q",
            axis: { labelAngle: 0, labelExpr: HALVES },
          },
          y: {
            field: "b",
            type: "ordinal",
            sort: "descending",
            title: "init-variance exponent b",
            axis: { labelExpr: HALVES },
          },
          color: {
            field: "measured_exponent",
            type: "quantitative",
            title: "fitted exponent",
            scale: { scheme: "purpleorange", domainMid: 0 },
          },
        },
      },
      {
        transform: [{ filter: "datum.kind === 'boundary'" }],
        mark: { type: "line", color: "black", strokeWidth: 2 },
        encoding: {
          x: { field: "q", type: "ordinal" },
          y: { field: "b", type: "ordinal", sort: "descending" },
        },
      },
    ],
  };
}

/** ζ(∞) against the learning-rate ratio β, with the predicted maximum β*. */
export function zetaVsBetaSpec(betaStar: number): Record<string, unknown> {
  return {
    title: {
      text: "ζ(∞) against the layer-wise learning-rate ratio β = η_w/η_u (log-log)",
      subtitle: [
        `Fixed γ, u0, w0 and target; theory: ρ_a ∝ √β/(|w0|² + β|u0|²) is largest at β* = |w0|²/|u0|² = ${betaStar}`,
        "(dashed rule), and both β → 0 and β → ∞ freeze one layer: the kernel regime.",
      ],
    },
    width: 420,
    height: 280,
    layer: [
      {
        mark: { type: "line", point: true },
        encoding: {
          x: {
            field: "beta",
            type: "quantitative",
            scale: { type: "log" },
            title: "β = η_w/η_u (log scale)",
          },
          y: {
            field: "zeta",
            type: "quantitative",
            scale: { type: "log" },
            title: "ζ(∞) (log scale)",
          },
        },
      },
      {
        mark: { type: "rule", strokeDash: [4, 3] },
        encoding: { x: { datum: betaStar, type: "quantitative" } },
      },
    ],
  };
}
