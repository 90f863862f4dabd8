/**
 * `report`: the reproduction report (SPEC 6 claim table, every figure with its caption, the
 * decisions, provenance) as report.md and a self-contained report.html. Its inputs are the stages
 * whose results it reports; an experiment stage plugs in by being passed here (its figures appear
 * by themselves; its summary.json feeds the claims of stages/report/claims_experiments.ts).
 */
// lineage.ts is imported directly: pipeline/mod.ts is in every stage's code
// fingerprint, so a new export there would re-key every cached result.
import { join } from "node:path";
import { lineage } from "../pipeline/lineage.ts";
import { publish } from "../pipeline/publish.ts";
import { defineStage, type Params as StageParamsOf, type Stage } from "../pipeline/mod.ts";
import type { CaseSpec } from "./_theory_cases.ts";
import {
  buildReport,
  checkFlow,
  FIGURE_DIR,
  type InputResult,
  loadInput,
  renderHtml,
  renderMarkdown,
  settingsDiff,
  type SettingsReport,
  settingsSummary,
} from "./report/mod.ts";

type Params = { scale: string; ep: string; preset: { [id: string]: StageParamsOf } };

/**
 * Hard-link (copy, across file systems) every file of the inputs' figures into `dir`, so that
 * report.md shows the figures it describes even after a later run publishes other versions of
 * them to out/figures/ (a `--set` variant of one figure, say).
 */
async function keepFigures(inputs: InputResult[], inputDirs: Record<string, string>, dir: string) {
  await Deno.mkdir(dir, { recursive: true });
  for (const input of inputs) {
    const files = input.figures.flatMap((f) => f.files.map((ext) => `${f.name}.${ext}`));
    await publish(join(inputDirs[input.id], "figures"), files, dir);
  }
}

/**
 * The params every stage behind the inputs ran with (read back from the store), against the
 * preset's: what a `--set` override changed.
 */
async function compareSettings(params: Params, inputDirs: string[]): Promise<SettingsReport> {
  const ran = await lineage(inputDirs);
  return settingsDiff(params.preset, ran.entries, ran.unreadable);
}

/**
 * The report over `inputs` (stages of the DAG), for a scale and execution provider. `preset` are
 * the DAG's stages as its scale defines them, before any `--set`; their params become the report's
 * `preset` param, against which it compares the params that ran.
 */
export function reportStage(
  options: { scale: string; ep: string; inputs: Stage[]; preset: Stage[] },
): Stage<Params> {
  const order = options.inputs.map((s) => s.id);
  const preset = Object.fromEntries(options.preset.map((s) => [s.id, s.params]));
  return defineStage({
    id: "report",
    module: import.meta.url,
    params: { scale: options.scale, ep: options.ep, preset },
    inputs: Object.fromEntries(options.inputs.map((s) => [s.id, s])),
    resources: { threads: 1, memoryMiB: 512 },
    publish: ["report.md", "report.html", FIGURE_DIR],
    description: "reproduction report: claims vs measurements, figures, decisions, provenance",
    run: async (ctx) => {
      const inputs: InputResult[] = [];
      for (const id of order) {
        inputs.push(await loadInput(ctx.inputs[id]));
        ctx.log(`loaded ${id}: ${inputs.at(-1)!.figures.length} figures`);
      }
      const theory = inputs.find((i) => i.id === "theory-vs-gd");
      const cases = theory?.params.cases as CaseSpec[] | undefined;
      const flowCheck = cases ? checkFlow(cases) : undefined;
      if (flowCheck) ctx.log(`ODE check: ${JSON.stringify(flowCheck)}`);
      const settings = await compareSettings(ctx.params, order.map((id) => ctx.inputs[id]));
      ctx.log(`settings: ${settingsSummary(settings, ctx.params.scale)}`);
      const { scale, ep } = ctx.params;
      const model = buildReport(inputs, { scale, ep, flowCheck, settings });
      for (const c of model.claims) ctx.log(`claim ${c.id}: ${c.verdict}`);
      await keepFigures(inputs, ctx.inputs, join(ctx.outDir, FIGURE_DIR));
      await Deno.writeTextFile(`${ctx.outDir}/report.md`, renderMarkdown(model));
      await Deno.writeTextFile(`${ctx.outDir}/report.html`, renderHtml(model));
    },
  });
}
