/** `theory-vs-gd`: the exact solution against gradient descent on the showcase cases (SPEC 5.6). */
import { defineStage, type Json, type Stage } from "../pipeline/mod.ts";
import { figureFiles } from "./_figure_files.ts";
import { byScale } from "./_scale.ts";
import { type CaseSpec, compareCase, type GdRunner, SHOWCASE } from "./_theory_cases.ts";
import { theoryVsGdSpec } from "./figures/theory.ts";
import { writeSummary } from "./_collect.ts";

type Params = { cases: Json; steps: number; every: number; kappa: number };

export function theoryVsGdStage(scale: string): Stage<Params> {
  const preset = byScale(scale, {
    smoke: { steps: 3000, every: 50, kappa: 0.02 },
    default: { steps: 15000, every: 100, kappa: 0.003 },
  });
  return defineStage({
    id: "theory-vs-gd",
    module: import.meta.url,
    params: { cases: SHOWCASE as unknown as Json, ...preset },
    resources: { threads: 1, memoryMiB: 256 },
    publish: figureFiles("theory_vs_gd"),
    description:
      "closed form vs gradient descent: g, K/K0, cos θ, |u|, |w| for five initialisations",
    run: async (ctx) => {
      const cases = ctx.params.cases as unknown as CaseSpec[];
      const rows = [];
      const summaries = [];
      const { onnxGradientDescent } = await import("./_linear_gd_onnx.ts");
      const gd: GdRunner = (problem, u0, w0, steps, every) =>
        onnxGradientDescent(problem, u0, w0, steps, every, ctx.threads);
      for (const [i, c] of cases.entries()) {
        const r = await compareCase(c, ctx.params.steps, ctx.params.every, ctx.params.kappa, gd);
        rows.push(...r.rows);
        summaries.push(r.summary);
        ctx.log(`${c.name}: ${JSON.stringify(r.summary)}`);
        ctx.progress({ done: i + 1, total: cases.length, unit: "cases" });
      }
      const { writeFigure } = await import("./figures/_vega.ts");
      const pointEvery = ctx.params.every *
        Math.max(1, Math.round(ctx.params.steps / ctx.params.every / 25));
      await writeFigure(`${ctx.outDir}/figures`, {
        name: "theory_vs_gd",
        spec: theoryVsGdSpec(cases.map((c) => c.name), pointEvery),
        rows,
      });
      const summary = { kappa: ctx.params.kappa, steps: ctx.params.steps, cases: summaries };
      await writeSummary(ctx.outDir, summary);
    },
  });
}
