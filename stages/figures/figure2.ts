/** Vega-Lite specs of Figure 2 (SPEC 5.3). Data rows are added by _vega.ts. */
import { ordinalLineColor } from "./two_layer.ts";

const SIGMA = ordinalLineColor("sigma", "init scale σ");
const STEP = { field: "step", type: "quantitative", title: "SGD step" };

/** Facets of the measures whose `order` passes `filter`, on a y scale of `type`. */
function panels(
  filter: string,
  y: Record<string, unknown>,
  note: string,
  axis: Record<string, unknown> = {},
  height = 150,
): Record<string, unknown> {
  return {
    transform: [{ filter }],
    facet: {
      field: "measure",
      type: "nominal",
      title: note,
      sort: { field: "order" },
      header: { titleFontWeight: "normal", titleOrient: "bottom" },
    },
    columns: 3,
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 220,
      height,
      layer: [
        {
          transform: [{ filter: "datum.seeds > 1" }],
          mark: { type: "area", opacity: 0.18 },
          encoding: {
            x: STEP,
            y: { field: "min", type: "quantitative", scale: y },
            y2: { field: "max" },
            color: SIGMA,
          },
        },
        {
          mark: { type: "line", strokeWidth: 1.5 },
          encoding: {
            x: STEP,
            y: { field: "value", type: "quantitative", title: null, scale: y, axis },
            color: SIGMA,
          },
        },
      ],
    },
  };
}

/**
 * One panel per measure (ζ, ζ_s, A_l, R_l) against step, one line per σ (seed mean, min-max band).
 * ζ and ζ_s (`order` 0 and 1) span 10⁻¹ to 10² across σ, so they get a symmetric log axis, on which
 * the large-σ runs' small negative ζ_s shows next to the small-σ runs' large ζ.
 */
export function measuresSpec(title: string, subtitle: string[]): Record<string, unknown> {
  return {
    title: { text: title, subtitle },
    vconcat: [
      panels(
        "datum.order < 2",
        { type: "symlog", constant: 0.1 },
        "ζ and ζ_s on a symmetric log axis (linear within ±0.1)",
        { values: [-1, -0.5, -0.2, 0, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100], format: "~r" },
        260,
      ),
      panels("datum.order >= 2", { zero: false }, "alignment A_l and norm ratios R_l"),
    ],
  };
}
