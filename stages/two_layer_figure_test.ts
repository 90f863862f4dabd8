// The Figure 1 / Appendix C collector's aggregation over seeds: seed means with a min-max band,
// diverged seeds left out of the mean and labelled; the band renders through vega-lite.
import assert from "node:assert/strict";
import { join } from "node:path";
import { plotRows, type RunFile, twoLayerFigureStage } from "./two_layer_figure.ts";
import { runCollector } from "./testdata/collector.ts";
import { widthPanelsSpec, zetaCurvesSpec } from "./figures/two_layer.ts";
import { toSvg } from "./figures/_vega.ts";
import type { RunParams } from "./_two_layer_train.ts";

function run(seed: number, zetas: number[] | null, divergedAt: number | null = null): RunFile {
  return {
    summary: {
      table: "corrected",
      name: "meanField",
      width: 100,
      initSeed: seed,
      regime: "feature",
      diverged: divergedAt !== null,
      divergedAt,
      zetaFinal: zetas?.at(-1) ?? null,
      gamma: 0.1,
      lr: 0.05,
      lambda0: 1,
    } as RunParams & RunFile["summary"],
    rows: (zetas ?? []).map((z, i) => ({ step: 50 * i, zeta: z, zeta_signed: -z, loss: i })),
  };
}

Deno.test("plotRows() averages ζ over seeds, keeps min and max, and labels diverged seeds", () => {
  const rows = plotRows([run(0, [0, 0.1, 0.4]), run(1, [0, 0.3, 0.2]), run(2, null, 7)], "t");
  const zeta = rows.filter((r) => r.kind === "zeta");
  assert.deepEqual(zeta.map((r) => r.step), [0, 50, 100]);
  assert.deepEqual(zeta.map((r) => r.seeds), [2, 2, 2]);
  assert.ok(Math.abs((zeta[1].zeta as number) - 0.2) < 1e-15);
  assert.equal(zeta[1].zeta_min, 0.1);
  assert.equal(zeta[1].zeta_max, 0.3);
  assert.ok(Math.abs((zeta[2].zeta_signed as number) + 0.3) < 1e-15);
  assert.equal(zeta[2].loss, 2);
  assert.equal(zeta[0].parametrisation, "standard mean-field");
  const diverged = rows.filter((r) => r.kind === "diverged");
  assert.equal(diverged.length, 1);
  assert.equal(diverged[0].step, 7);
  assert.equal(diverged[0].note, "standard mean-field: diverged at step 7 (seed 2)");
});

Deno.test("the ζ(t) and width-panel specs draw a band and a line from the aggregated rows", async () => {
  const rows = plotRows([run(0, [0, 0.1, 0.4]), run(1, [0, 0.3, 0.2])], "corrected");
  for (const spec of [zetaCurvesSpec("t", ["s"]), widthPanelsSpec("t", ["s"])]) {
    const svg = await toSvg({ ...spec, data: { values: rows } } as Parameters<typeof toSvg>[0]);
    assert.match(svg, /aria-roledescription="area mark"/);
    assert.match(svg, /aria-roledescription="line mark"/);
  }
});

Deno.test("the figure1 collector averages seeds within one width and summarises the corrected runs only", async () => {
  const root = await Deno.makeTempDir();
  try {
    const at = (
      seed: number,
      zetas: number[],
      width: number,
      table = "corrected",
      name = "meanField",
    ) => {
      const r = run(seed, zetas);
      return { ...r, summary: { ...r.summary, width, table, name } };
    };
    const files = [
      at(0, [0, 0.2], 100),
      at(1, [0, 0.4], 100),
      at(0, [0, 2], 1000),
      at(1, [0, 4], 1000),
      at(0, [0, 0.01], 1000, "corrected", "ntk"),
      at(0, [0, 0.05], 1000, "literal", "ntk"),
    ];
    const { outDir, csv } = await runCollector(twoLayerFigureStage("figure1", []), files, root);
    const widths = csv("figure1_widths");
    const meanField = (d: string) =>
      widths.filter((r) =>
        r.parametrisation === "standard mean-field" && r.d === d && r.step === "50"
      )
        .map((r) => [r.seeds, Number(r.zeta)]);
    assert.deepEqual(meanField("100"), [["2", 0.30000000000000004]]);
    assert.deepEqual(meanField("1000"), [["2", 3]]);
    const summary = JSON.parse(await Deno.readTextFile(join(outDir, "summary.json")));
    assert.equal(summary.runs.length, 5);
    // the literal table's list: the literal NTK run, and the corrected mean-field runs where no
    // literal run exists
    assert.deepEqual(
      summary.literal.map((r: { table: string; parametrisation: string }) =>
        `${r.table} ${r.parametrisation}`
      ).sort(),
      ["corrected meanField", "corrected meanField", "literal ntk"],
    );
    const ntk = summary.runs.filter((r: { parametrisation: string }) =>
      r.parametrisation === "ntk"
    );
    assert.deepEqual(ntk.map((r: { zetaFinal: number }) => r.zetaFinal), [0.01]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
