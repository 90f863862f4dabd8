/** Vega-Lite specs of Figure 2 (SPEC 5.3). Data rows are added by _vega.ts. */
import { ordinalLineColor } from "./two_layer.ts";

const SIGMA = ordinalLineColor("sigma", "init scale σ");
const STEP = { field: "step", type: "quantitative", title: "SGD step" };

/** One panel per measure (ζ, ζ_s, A_l, R_l) against step, one line per σ (seed mean, min-max band). */
export function measuresSpec(title: string, subtitle: string[]): Record<string, unknown> {
  return {
    title: { text: title, subtitle },
    facet: { field: "measure", type: "nominal", title: null, sort: { field: "order" } },
    columns: 3,
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 220,
      height: 150,
      layer: [
        {
          transform: [{ filter: "datum.seeds > 1" }],
          mark: { type: "area", opacity: 0.18 },
          encoding: {
            x: STEP,
            y: { field: "min", type: "quantitative", scale: { zero: false } },
            y2: { field: "max" },
            color: SIGMA,
          },
        },
        {
          mark: { type: "line", strokeWidth: 1.5 },
          encoding: {
            x: STEP,
            y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
            color: SIGMA,
          },
        },
      ],
    },
  };
}
