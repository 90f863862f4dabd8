/**
 * The reproduction report: a pure builder from the input stages' results to a report model
 * ({@link buildReport}), Markdown and self-contained HTML renderers, the claim evaluators of SPEC
 * section 6, the decisions, the comparison of the settings that ran with the scale preset, and the
 * loader that reads a stage's output.
 *
 * @example
 * ```ts
 * import { buildReport, renderHtml, renderMarkdown } from "./mod.ts";
 * const model = buildReport([], { scale: "smoke", ep: "cpu" });
 * console.log(model.counts); // every claim "not-run": no input stage
 * console.log(renderMarkdown(model).length, renderHtml(model).length);
 * ```
 *
 * @module
 */
export { aggregate, buildReport, type BuildReportOptions, CLAIMS } from "./build.ts";
export { checkFlow, type FlowCheck } from "./flow_check.ts";
export { decisionsMarkdown, PROJECT_DECISIONS, SPEC_DECISIONS } from "./decisions.ts";
export { loadInput, pngSize } from "./load.ts";
export { FIGURE_DIR, mdEscape, renderMarkdown } from "./markdown.ts";
export { type RanStage, settingsDiff, settingsSummary } from "./settings.ts";
export { esc, renderHtml } from "./html.ts";
export type * from "./types.ts";
export type * from "./contracts.ts";
