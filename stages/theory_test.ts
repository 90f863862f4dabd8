// The theory stages at smoke scale through the engine, into a temporary out/: every figure is
// written, theory_vs_gd.csv has the columns issue 5 names, and each row's g_theory can be
// recomputed from that row alone with the plain Riccati formula of SPEC 2.3.
import assert from "node:assert/strict";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { runEngine } from "./testdata/engine.ts";

const COLUMNS = "case,step,t,a,m2,gamma_tilde,A,B,g_theory,g_gd,K_theory,K_gd,cos_theory,cos_gd"
  .split(",");

/** g(t) from (a, m2, γ̃, A, B, t) by SPEC 2.3, written independently of models/linear. */
function riccatiG(r: Record<string, number>): number {
  const { a, m2, gamma_tilde: gt, A, B, t } = r;
  const delta = Math.sqrt(4 * a * a + gt * gt * A * A * B * B);
  const zp = (-2 * a + delta) / (gt * B * B);
  const zm = (-2 * a - delta) / (gt * B * B);
  const R = (1 - zp) / (1 - zm);
  const e = R * Math.exp(-gt * m2 * delta * t);
  const z = (zp - zm * e) / (1 - e);
  return (gt / 4) * (A * A / z - B * B * z);
}

Deno.test("theory stages write every figure; theory_vs_gd.csv rows recompute from themselves", async () => {
  const out = await Deno.makeTempDir({ prefix: "theory-out-" });
  // the GD check also at half the step (at smoke scale kappaLimit is kappa itself)
  const args = ["--only", "theory", "--scale", "smoke", "--set", "theory-vs-gd.kappaLimit=0.01"];
  const r = await runEngine([...args, "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  for (
    const name of [
      "theory_vs_gd",
      "zeta_vs_width",
      "phase_finite_width",
      "phase_infinite_width",
      "zeta_vs_beta",
    ]
  ) {
    for (const ext of ["vl.json", "svg", "png", "csv"]) {
      const info = await Deno.stat(join(out, "figures", `${name}.${ext}`));
      assert.ok(info.size > 100, `${name}.${ext} has ${info.size} bytes`);
    }
  }
  const text = await Deno.readTextFile(join(out, "figures", "theory_vs_gd.csv"));
  const rows: Record<string, string>[] = parse(text, { columns: true });
  assert.deepEqual(Object.keys(rows[0]).slice(0, COLUMNS.length), COLUMNS);
  assert.equal(new Set(rows.map((row) => row.case)).size, 5);
  let checked = 0;
  for (const row of rows) {
    const num = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
    const g = riccatiG(num);
    if (!Number.isFinite(g) || num.B === 0) continue; // the plain formula overflows or degenerates
    assert.ok(
      Math.abs(g - num.g_theory) <= 1e-6 * Math.max(1, Math.abs(num.g_theory)),
      `${row.case} t=${row.t}: ${g} vs ${num.g_theory}`,
    );
    checked++;
  }
  assert.ok(checked > rows.length / 2, `checked ${checked} of ${rows.length} rows`);
  console.log(`recomputed ${checked} of ${rows.length} rows`);

  // the summaries the report judges
  const plan = JSON.parse((await runEngine([...args, "--out", out, "--dry-run", "--json"])).stdout);
  const summary = async (id: string) => {
    const key = plan.stages.find((s: { id: string }) => s.id === id).key;
    return JSON.parse(await Deno.readTextFile(join(out, "cache", key, "files", "summary.json")));
  };
  const gd = await summary("theory-vs-gd");
  assert.deepEqual([gd.kappa, gd.limit.kappa], [0.02, 0.01]);
  let compared = 0;
  for (const c of gd.cases) {
    const half = gd.limit.cases.find((l: { case: string }) => l.case === c.case);
    // GD's error is first order in the step: about half at half the step, measured, not copied
    if (c.maxAbsErrOverA > 1e-6) {
      const ratio = half.maxAbsErrOverA / c.maxAbsErrOverA;
      assert.ok(ratio > 0.3 && ratio < 0.7, `${c.case}: ${ratio}`);
      compared++;
    }
  }
  assert.ok(compared >= 3, `compared ${compared} of ${gd.cases.length} cases`);
  // S2: β* is on the grid and no grid point beats it
  const phase = await summary("phase-diagram");
  assert.ok(
    Math.abs(Math.log10(phase.betaAtMaxZeta / phase.betaStar)) < 1e-9,
    JSON.stringify(phase),
  );
  await Deno.remove(out, { recursive: true });
});
