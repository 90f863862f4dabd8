// The real DAG at smoke scale through the engine, into a temporary out/ (this is the end-to-end
// smoke test of the whole DAG): report.md and report.html are published and carry every figure; the HTML opens in headless
// Chromium without errors or requests, and every figure has a nonzero rendered size.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runEngine } from "../testdata/engine.ts";
import { CHROMIUM, inspectPage } from "./_cdp.ts";

const HAS_CHROMIUM = (await Deno.stat(CHROMIUM).catch(() => null)) !== null;
if (!HAS_CHROMIUM) {
  console.log(
    `SKIP report in Chromium: ${CHROMIUM} is absent (install it with ` +
      "`apt-get update && apt-get install -y chromium`)",
  );
}

Deno.test("report stage publishes report.md and report.html with every figure (smoke DAG)", async (t) => {
  const out = await Deno.makeTempDir({ prefix: "report-out-" });
  try {
    const r = await runEngine(["--only", "report", "--scale", "smoke", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    const md = await Deno.readTextFile(join(out, "report.md"));
    const html = await Deno.readTextFile(join(out, "report.html"));
    const names: string[] = [];
    for await (const e of Deno.readDir(join(out, "figures"))) {
      if (e.name.endsWith(".png")) names.push(e.name.slice(0, -4));
    }
    assert.deepEqual(names.sort(), [
      "appendix_c_literal",
      "appendix_c_widths",
      "appendix_c_zeta",
      "cifar_fcn_accuracy",
      "figure1_literal",
      "figure1_widths",
      "figure1_zeta",
      "figure2_accuracy",
      "figure2_measures",
      "figure3",
      "phase_finite_width",
      "phase_infinite_width",
      "theory_vs_gd",
      "zeta_vs_beta",
      "zeta_vs_width",
    ]);
    for (const name of names) {
      // report.md shows its own copies, identical to the published figures of this run
      assert.ok(md.includes(`](report_files/${name}.png)`), `report.md shows ${name}`);
      const png = await Deno.readFile(join(out, "figures", `${name}.png`));
      assert.deepEqual(await Deno.readFile(join(out, "report_files", `${name}.png`)), png, name);
      const b64 = Buffer.from(png).toString("base64");
      assert.ok(html.includes(`id="fig-${name}"`), `report.html has a figure for ${name}`);
      assert.ok(html.includes(`src="data:image/png;base64,${b64}"`), `report.html inlines ${name}`);
    }
    for (const id of ["1", "2", "3", "4", "5", "6", "7", "8", "9"]) {
      assert.match(html, new RegExp(`<tr id="claim-${id}" data-verdict="(pass|fail)"`), id);
    }
    for (const id of ["10"]) {
      assert.match(html, new RegExp(`<tr id="claim-${id}" data-verdict="not-run"`), id);
    }
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/);
    assert.match(
      md,
      /\*\*Settings\.\*\* All \d+ stages behind this report ran with the "smoke" preset's/,
    );

    await t.step({
      name: "report.html renders in headless Chromium: no errors, no requests, sized figures",
      ignore: !HAS_CHROMIUM,
      fn: async () => {
        const url = pathToFileURL(join(out, "report.html")).href;
        const page = await inspectPage(url);
        assert.deepEqual(page.errors, []);
        assert.deepEqual(page.requests.filter((u) => u !== url && !u.startsWith("data:")), []);
        assert.deepEqual(page.figures.map((f) => f.id).sort(), names.map((n) => `fig-${n}`).sort());
        for (const f of page.figures) {
          assert.ok(f.loaded && f.width > 0 && f.height > 0, `${f.id}: ${JSON.stringify(f)}`);
        }
      },
    });

    await t.step(
      "a variant run without the report leaves the figures report.md shows",
      async () => {
        const kept = await Deno.readFile(join(out, "report_files", "theory_vs_gd.png"));
        const set = ["--set", "theory-vs-gd.kappa=0.01"];
        const v = await runEngine([
          "--only",
          "theory-vs-gd",
          "--scale",
          "smoke",
          "--out",
          out,
          ...set,
        ]);
        assert.equal(v.code, 0, v.stderr);
        const published = await Deno.readFile(join(out, "figures", "theory_vs_gd.png"));
        assert.notDeepEqual(published, kept); // out/figures/ has the variant's figure now
        assert.deepEqual(await Deno.readFile(join(out, "report_files", "theory_vs_gd.png")), kept);
      },
    );

    await t.step("a --set override is named in the report, with the preset's value", async () => {
      const set = ["--set", "theory-vs-gd.kappa=0.01"];
      const v = await runEngine(["--only", "report", "--scale", "smoke", "--out", out, ...set]);
      assert.equal(v.code, 0, v.stderr);
      const variant = await Deno.readTextFile(join(out, "report.md"));
      assert.match(variant, /\*\*Settings\.\*\* 1 of the \d+ stages behind this report ran with/);
      assert.match(variant, /\n\| kappa \| 0\.02 \| \*\*0\.01\*\* \| theory-vs-gd \|\n/);
    });
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
