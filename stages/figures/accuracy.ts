/** Vega-Lite spec of accuracy against σ (Figures 2, 3, CIFAR FCN). Data rows are added by _vega.ts. */

/**
 * Accuracy against the init scale σ on a log₂ axis, one line per value of `series` (e.g. train
 * and test): seed means with ± 1 standard deviation over seeds (SPEC 5.0: mean ± std). A bootstrap
 * interval would be random at render time and meaningless with three seeds.
 */
export function accuracySpec(
  title: string,
  subtitle: string[],
  options: { series?: string; yTitle?: string } = {},
): Record<string, unknown> {
  const x = {
    field: "sigma",
    type: "quantitative",
    scale: { type: "log", base: 2 },
    title: "init scale σ (log₂ scale)",
  };
  const color = { field: options.series ?? "split", type: "nominal", title: null };
  const yTitle = options.yTitle ?? "best accuracy over epochs";
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
            title: yTitle,
            scale: { zero: false },
          },
          color,
        },
      },
      {
        mark: { type: "errorbar", extent: "stdev" },
        // the same title as the line layer, so that the shared axis shows it once
        encoding: { x, y: { field: "accuracy", type: "quantitative", title: yTitle }, color },
      },
    ],
  };
}
