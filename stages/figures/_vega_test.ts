import assert from "node:assert/strict";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { textWidth, writeFigure } from "./_vega.ts";

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

Deno.test("textWidth() adds DejaVu Sans advance widths: bold is wider, width scales with size", () => {
  const t = "Figure 3: test accuracy against σ";
  const w = textWidth(t, 12);
  // DejaVu Sans averages about 0.55 em per character on such text; Vega's estimate is 0.8 em
  assert.ok(w > 0.45 * 12 * t.length && w < 0.65 * 12 * t.length, `width ${w}`);
  assert.ok(Math.abs(textWidth(t, 24) - 2 * w) < 1e-9);
  assert.ok(textWidth(t, 12, "bold") > 1.05 * w);
  assert.ok(textWidth("WW", 12) > textWidth("ii", 12));
});

Deno.test("writeFigure() sizes a figure to its content: no blank band right of a long subtitle", async () => {
  const dir = await Deno.makeTempDir();
  await writeFigure(dir, {
    name: "wide",
    spec: {
      title: {
        text: "A title",
        subtitle: ["a subtitle line much wider than the plot below it, as the figures' are"],
      },
      width: 120,
      height: 80,
      mark: "point",
      encoding: {
        x: { field: "a", type: "quantitative" },
        y: { field: "b", type: "quantitative" },
      },
    },
    rows: [{ a: 1, b: 2 }, { a: 2, b: 3 }],
  });
  const svg = await Deno.readTextFile(join(dir, "wide.svg"));
  await Deno.remove(dir, { recursive: true });
  const width = Number(svg.match(/<svg[^>]* width="([\d.]+)"/)![1]);
  // what resvg draws (text included, the white background left out) ends where the SVG ends
  const drawn = new Resvg(svg.replace(/<rect [^>]*fill="white"\/>/, "")).getBBox()!;
  const right = drawn.x + drawn.width;
  assert.ok(right <= width + 1, `content ends at ${right}, past the SVG's width ${width}`);
  assert.ok(right >= width - 12, `content ends at ${right}, blank up to the SVG's width ${width}`);
});
