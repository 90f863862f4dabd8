/**
 * The only module that loads the plotting stack: Vega-Lite spec -> Vega -> SVG -> PNG (resvg, with
 * a pinned DejaVu Sans font so PNG bytes do not depend on the fonts a machine has).
 */
import { Resvg } from "@resvg/resvg-js";
import meta from "dejavu-fonts-ttf/package.json" with { type: "json" };
import { createRequire } from "node:module";
import { join } from "node:path";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { stringify } from "csv-stringify/sync";
import opentype from "opentype.js";

const FONT = "DejaVu Sans";
const require = createRequire(import.meta.url);
// Importing the package's package.json (above) makes Deno fetch the package before we resolve files.
const fontFiles = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) =>
  require.resolve(`dejavu-fonts-ttf/ttf/${f}`)
);

/**
 * Text widths from the font's own advance widths and kerning, as vl-convert does. Without a canvas
 * Vega estimates 0.8 em per character, about 1.5× DejaVu Sans's real width, which left a blank
 * band right of every figure. Glyph by glyph, because opentype.js's shaper throws on DejaVu's
 * contextual substitution lookups; _vega_test.ts checks the result against what resvg draws.
 */
const [regular, bold] = fontFiles.map((f) => opentype.parse(Deno.readFileSync(f).buffer));

/** Width in pixels of `text` set in DejaVu Sans (bold for weights from 600) at `size` pixels. */
export function textWidth(text: string, size: number, weight?: string | number): number {
  const font = weight === "bold" || Number(weight) >= 600 ? bold : regular;
  let units = 0;
  let prev: opentype.Glyph | undefined;
  for (const ch of text) {
    const glyph = font.charToGlyph(ch);
    units += glyph.advanceWidth ?? 0;
    if (prev) units += font.getKerningValue(prev, glyph);
    prev = glyph;
  }
  return (units * size) / font.unitsPerEm;
}

// vega-scenegraph's textMetrics, which Vega's typings leave out; 11 px is its default font size
const metrics = (vega as unknown as {
  textMetrics: {
    width: (item: { fontSize?: number; fontWeight?: string | number }, text: unknown) => number;
  };
}).textMetrics;
metrics.width = (item, text) => textWidth(String(text ?? ""), item.fontSize ?? 11, item.fontWeight);

/** Shared look: one font everywhere, white background. */
const CONFIG = {
  font: FONT,
  background: "white",
  title: { font: FONT, fontSize: 14, anchor: "start" as const, subtitleFont: FONT },
  axis: { labelFont: FONT, titleFont: FONT },
  legend: { labelFont: FONT, titleFont: FONT },
  header: { labelFont: FONT, titleFont: FONT },
};

/** A figure: a Vega-Lite spec whose data are `rows`, inlined. */
export interface Figure {
  name: string;
  /** Everything but `data` (and `$schema`, `config`, which are filled in). */
  spec: Record<string, unknown>;
  rows: Record<string, string | number | boolean | null>[];
}

/** Render a spec to SVG text. */
export async function toSvg(spec: TopLevelSpec): Promise<string> {
  const vg = compile(spec).spec;
  const view = new vega.View(vega.parse(vg), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Render SVG text to PNG bytes at twice the nominal size. */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles, defaultFontFamily: FONT },
    fitTo: { mode: "zoom", value: 2 },
  });
  return resvg.render().asPng();
}

/**
 * Write `<name>.vl.json`, `<name>.svg`, `<name>.png` and `<name>.csv` (exactly the plotted rows)
 * into `dir`.
 */
export async function writeFigure(dir: string, figure: Figure): Promise<string[]> {
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: CONFIG,
    ...figure.spec,
    data: { values: figure.rows },
  } as TopLevelSpec;
  const svg = await toSvg(spec);
  const columns = [...new Set(figure.rows.flatMap((r) => Object.keys(r)))];
  const base = join(dir, figure.name);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${base}.vl.json`, JSON.stringify(spec, null, 2) + "\n");
  await Deno.writeTextFile(`${base}.svg`, svg);
  await Deno.writeFile(`${base}.png`, svgToPng(svg));
  await Deno.writeTextFile(`${base}.csv`, stringify(figure.rows, { header: true, columns }));
  return ["vl.json", "svg", "png", "csv"].map((ext) => `${figure.name}.${ext}`);
}

/** Versions of the plotting stack, for provenance. */
export const PLOT_VERSIONS = { vega: vega.version, "dejavu-fonts-ttf": meta.version };
