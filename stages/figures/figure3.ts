/** Vega-Lite spec of Figure 3 (SPEC 5.4). Data rows are added by _vega.ts. */

/** Best and final test accuracy against σ (log₂ axis), seed means with min-max bars. */
export function figure3Spec(title: string, subtitle: string[]): Record<string, unknown> {
  const x = {
    field: "sigma",
    type: "quantitative",
    scale: { type: "log", base: 2 },
    title: "init scale σ (log₂ scale)",
  };
  const color = { field: "which", type: "nominal", title: null };
  return {
    title: { text: title, subtitle },
    width: 380,
    height: 260,
    layer: [
      {
        mark: { type: "line", point: true },
        encoding: {
          x,
          y: {
            aggregate: "mean",
            field: "accuracy",
            type: "quantitative",
            title: "test accuracy",
            scale: { zero: false },
          },
          color,
        },
      },
      {
        mark: { type: "errorbar", extent: "ci" },
        encoding: { x, y: { field: "accuracy", type: "quantitative" }, color },
      },
    ],
  };
}
