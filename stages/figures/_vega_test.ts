import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFigure } from "./_vega.ts";

Deno.test("writeFigure() writes the spec, an SVG with the title, a PNG and the plotted CSV", async () => {
  const dir = await Deno.makeTempDir();
  const files = await writeFigure(dir, {
    name: "demo",
    spec: {
      title: "ζ against step",
      mark: "line",
      encoding: {
        x: { field: "step", type: "quantitative" },
        y: { field: "zeta", type: "quantitative", scale: { type: "log" } },
      },
    },
    rows: [{ step: 0, zeta: 1e-3 }, { step: 10, zeta: 1e-1 }],
  });
  assert.deepEqual(files, ["demo.vl.json", "demo.svg", "demo.png", "demo.csv"]);
  assert.match(await Deno.readTextFile(join(dir, "demo.svg")), /ζ against step/);
  const png = await Deno.readFile(join(dir, "demo.png"));
  assert.deepEqual([...png.slice(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
  const width = new DataView(png.buffer, png.byteOffset).getUint32(16);
  assert.ok(width > 200, `PNG width ${width}`);
  assert.equal(await Deno.readTextFile(join(dir, "demo.csv")), "step,zeta\n0,0.001\n10,0.1\n");
  const spec = JSON.parse(await Deno.readTextFile(join(dir, "demo.vl.json")));
  assert.equal(spec.data.values.length, 2);
  await Deno.remove(dir, { recursive: true });
});
