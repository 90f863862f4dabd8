/** Vega-Lite spec of accuracy against σ (Figures 2, 3, CIFAR FCN). Data rows are added by _vega.ts. */

/** A run as an accuracy figure names it when it diverged. */
export interface AccuracyRun {
  readonly sigma: number;
  readonly seed: number;
  readonly diverged: boolean;
  /** The step at which the loss or a parameter stopped being finite. */
  readonly divergedAt?: number | null;
  /** Said instead of the step (e.g. "every rate diverged"). */
  readonly note?: string;
}

/**
 * The subtitle line that names every run that diverged, sorted by σ and seed, or no line when none
 * did. Such runs are left out of the means and bars; with `crosses`, the figure marks the accuracy
 * each reached before it diverged with a cross.
 */
export function divergedLines(runs: readonly AccuracyRun[], crosses = true): string[] {
  const gone = runs.filter((r) => r.diverged).sort((a, b) => a.sigma - b.sigma || a.seed - b.seed);
  if (gone.length === 0) return [];
  const each = gone.map((r) =>
    `σ ${r.sigma} seed ${r.seed} (${
      r.note ?? (r.divergedAt == null ? "diverged" : `step ${r.divergedAt}`)
    })`
  );
  const marked = crosses ? " (× marks accuracy before diverging)" : "";
  return [`Diverged, not in the means${marked}: ${each.join(", ")}.`];
}

/**
 * Accuracy against the init scale σ on a log₂ axis, one line per value of `series` (e.g. train
 * and test): seed means with ± 1 standard deviation over seeds (SPEC 5.0: mean ± std). A bootstrap
 * interval would be random at render time and meaningless with three seeds. With `diverged`, rows
 * whose `diverged` field is true are left out of the means and bars and drawn as crosses (a run
 * that diverged is a result, not a point of the trend); without it the spec has no such layer, so
 * the figures of runs that all converged are as they were.
 */
export function accuracySpec(
  title: string,
  subtitle: string[],
  options: { series?: string; yTitle?: string; diverged?: boolean } = {},
): Record<string, unknown> {
  const x = {
    field: "sigma",
    type: "quantitative",
    scale: { type: "log", base: 2 },
    title: "init scale σ (log₂ scale)",
  };
  const color = { field: options.series ?? "split", type: "nominal", title: null };
  const yTitle = options.yTitle ?? "best accuracy over epochs";
  const converged = options.diverged ? { transform: [{ filter: "!datum.diverged" }] } : {};
  const layer: Record<string, unknown>[] = [
    {
      ...converged,
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
      ...converged,
      mark: { type: "errorbar", extent: "stdev" },
      // the same title as the line layer, so that the shared axis shows it once
      encoding: { x, y: { field: "accuracy", type: "quantitative", title: yTitle }, color },
    },
  ];
  if (options.diverged) {
    layer.push({
      transform: [{ filter: "datum.diverged" }],
      mark: { type: "point", shape: "cross", size: 90, filled: true },
      encoding: { x, y: { field: "accuracy", type: "quantitative", title: yTitle }, color },
    });
  }
  return { title: { text: title, subtitle }, width: 380, height: 260, layer };
}
