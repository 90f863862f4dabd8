/** Vega-Lite specs of Figure 1 and Appendix C (SPEC 5.1, 5.2). Data rows are added by _vega.ts. */

/** Legend names as the paper's parametrisations are called. */
export const LEGEND: Record<string, string> = {
  ntk: "standard NTK",
  meanField: "standard mean-field",
  kaiming: "Kaiming",
  kaimingPlus: "Kaiming+",
  xavier: "Xavier",
  xavierPlus: "Xavier+",
};

const ORDER = Object.values(LEGEND);

const zetaAxis = {
  field: "zeta",
  type: "quantitative",
  scale: { type: "log" },
  title: "ζ = ‖Θ_t − Θ_0‖_F / ‖Θ_0‖_F (log scale)",
};

const ZETA_ROWS = "datum.kind === 'zeta' && datum.step > 0 && datum.zeta > 0";

/** Legend swatches drawn as lines, also where a band layer shares the colour scale. */
const LINE_LEGEND = { symbolType: "stroke", symbolOpacity: 1, symbolStrokeWidth: 2 };

/** Colour of one line per value of an ordinal `field` (viridis, stroke legend). */
export function ordinalLineColor(field: string, title: string): Record<string, unknown> {
  return { field, type: "ordinal", title, scale: { scheme: "viridis" }, legend: LINE_LEGEND };
}

/** The min-max band over seeds (drawn only where there are several seeds). */
function band(color: Record<string, unknown>): Record<string, unknown> {
  return {
    transform: [{ filter: `${ZETA_ROWS} && datum.seeds > 1 && datum.zeta_min > 0` }],
    mark: { type: "area", opacity: 0.18 },
    encoding: {
      x: { field: "step", type: "quantitative" },
      y: { field: "zeta_min", type: "quantitative", scale: { type: "log" } },
      y2: { field: "zeta_max" },
      color,
    },
  };
}

/** ζ against step at one width, one line per parametrisation (seed mean, min-max band); diverged runs marked. */
export function zetaCurvesSpec(title: string, subtitle: string[]): Record<string, unknown> {
  const color = {
    field: "parametrisation",
    type: "nominal",
    sort: ORDER,
    title: "parametrisation",
    legend: { labelLimit: 260, ...LINE_LEGEND },
  };
  return {
    title: { text: title, subtitle },
    width: 460,
    height: 300,
    layer: [
      band(color),
      {
        transform: [{ filter: ZETA_ROWS }],
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x: { field: "step", type: "quantitative", title: "gradient-descent step" },
          y: zetaAxis,
          color,
          strokeDash: { field: "regime", type: "nominal", title: "designed regime" },
        },
      },
      {
        transform: [{ filter: "datum.kind === 'diverged'" }],
        mark: { type: "text", align: "left", dx: 4, fontSize: 11 },
        encoding: {
          x: { field: "step", type: "quantitative" },
          y: { value: 12 },
          text: { field: "note" },
          color,
        },
      },
    ],
  };
}

/** One panel per parametrisation, one line per width (seed mean, min-max band). */
export function widthPanelsSpec(title: string, subtitle: string[]): Record<string, unknown> {
  const color = ordinalLineColor("d", "width d");
  return {
    title: { text: title, subtitle },
    facet: { field: "parametrisation", type: "nominal", sort: ORDER, title: null },
    columns: 3,
    spec: {
      width: 200,
      height: 140,
      layer: [
        band(color),
        {
          transform: [{ filter: ZETA_ROWS }],
          mark: { type: "line", strokeWidth: 1.5 },
          encoding: {
            x: { field: "step", type: "quantitative", title: "GD step" },
            y: { ...zetaAxis, title: "ζ (log scale)" },
            color,
          },
        },
      ],
    },
  };
}
