// The Figure 1 / Appendix C collector's aggregation over seeds: seed means with a min-max band,
// diverged seeds left out of the mean and labelled; the band renders through vega-lite.
import assert from "node:assert/strict";
import { plotRows, type RunFile } from "./two_layer_figure.ts";
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
