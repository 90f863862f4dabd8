/** Vega-Lite specs of the solvable-model figures (SPEC 4, 5.6). Data rows are added by _vega.ts. */

const QUANTITIES = [
  ["g", "output slope g"],
  ["K_over_K0", "NTK K/K0"],
  ["cos", "alignment cos θ"],
  ["u_norm", "|u|"],
  ["w_norm", "|w|"],
] as const;

/** Closed form (lines) against gradient descent (points): one row of panels per case. */
export function theoryVsGdSpec(cases: string[], pointEvery: number): Record<string, unknown> {
  const fields = QUANTITIES.flatMap(([q]) => [`${q}_theory`, `${q}_gd`]);
  const label = Object.fromEntries(QUANTITIES.map(([q, l]) => [q, l]));
  return {
    title: {
      text: "Solvable model: exact solution (lines) vs gradient descent (points)",
      subtitle: [
        "Two-layer linear net f(x) = γ(u·w)x, a = 1, m2 = 1; step k of GD at flow time t = k.",
        "Theory: small init aligns then rescales (K grows); a large aligned output disaligns (K shrinks);",
        "width 1 only rescales (cos θ = 1); random NTK-type init stays near the kernel regime as d grows.",
      ],
    },
    transform: [
      { fold: fields, as: ["series", "value"] },
      {
        calculate: "indexof(datum.series, '_gd') > 0 ? 'gradient descent' : 'exact solution'",
        as: "source",
      },
      { calculate: "replace(replace(datum.series, '_theory', ''), '_gd', '')", as: "key" },
      { calculate: `${JSON.stringify(label)}[datum.key]`, as: "quantity" },
    ],
    facet: {
      row: {
        field: "case",
        type: "nominal",
        sort: cases,
        title: null,
        header: { labelAngle: 0, labelAlign: "left", labelLimit: 240, labelFontWeight: "bold" },
      },
      column: {
        field: "quantity",
        type: "nominal",
        sort: QUANTITIES.map(([, l]) => l),
        title: null,
      },
    },
    spec: {
      width: 150,
      height: 90,
      layer: [
        {
          transform: [{ filter: "datum.source === 'exact solution'" }],
          mark: { type: "line", strokeWidth: 1.5 },
          encoding: {
            x: { field: "step", type: "quantitative", title: "GD step = flow time t" },
            y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
            color: { field: "source", type: "nominal", title: null },
          },
        },
        {
          transform: [{
            filter: `datum.source === 'gradient descent' && datum.step % ${pointEvery} === 0`,
          }],
          mark: { type: "point", size: 12, filled: true },
          encoding: {
            x: { field: "step", type: "quantitative" },
            y: { field: "value", type: "quantitative" },
            color: { field: "source", type: "nominal", title: null },
          },
        },
      ],
    },
    resolve: { scale: { y: "independent", x: "independent" } },
  };
}

/** ζ(∞) against width, log-log, with the predicted slopes as dashed lines. */
export function zetaVsWidthSpec(): Record<string, unknown> {
  return {
    title: {
      text: "Solvable model: feature learning ζ(∞) = |K∞/K0 − 1| against width d (log-log)",
      subtitle: [
        "Lines: exact ζ(∞) at the expected initial statistics (ξ = 0); points: mean over random inits.",
        "Black dashes: predicted slopes 0 (mean-field, Kaiming+, Xavier+, μP), −1 (NTK), −2 (Kaiming, Xavier),",
        "drawn over the exact lines, which they follow.",
      ],
    },
    width: 420,
    height: 300,
    layer: [
      {
        transform: [{ filter: "datum.variant === 'expected'" }],
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x: {
            field: "d",
            type: "quantitative",
            scale: { type: "log" },
            title: "width d (log scale)",
          },
          y: {
            field: "zeta",
            type: "quantitative",
            scale: { type: "log" },
            title: "ζ(∞) (log scale)",
          },
          color: {
            field: "legend",
            type: "nominal",
            title: "parametrisation (fitted slope; predicted)",
            legend: { labelLimit: 320, titleLimit: 320 },
          },
        },
      },
      {
        transform: [{ filter: "datum.variant === 'predicted'" }],
        mark: { type: "line", strokeDash: [4, 3], strokeWidth: 1, color: "black" },
        encoding: {
          x: { field: "d", type: "quantitative" },
          y: { field: "zeta", type: "quantitative" },
          detail: { field: "legend", type: "nominal" },
        },
      },
      {
        transform: [{ filter: "datum.variant === 'random mean'" }],
        mark: { type: "point", filled: true, size: 20 },
        encoding: {
          x: { field: "d", type: "quantitative" },
          y: { field: "zeta", type: "quantitative" },
          color: { field: "legend", type: "nominal" },
        },
      },
    ],
  };
}
