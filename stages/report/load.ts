/** Read an input stage's output directory (and its entry manifest) into an {@link InputResult}. */
import { join } from "node:path";
import type { FigureRef, InputResult } from "./types.ts";

const FIGURE_EXTS = ["vl.json", "svg", "png", "csv"];

async function exists(path: string): Promise<boolean> {
  return (await Deno.stat(path).catch(() => null))?.isFile ?? false;
}

/** Width and height of a PNG from its IHDR chunk. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47];
  if (bytes.length < 24 || sig.some((b, i) => bytes[i] !== b)) {
    throw new TypeError(
      `Expected PNG bytes but found ${bytes.length} bytes without a PNG signature`,
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

async function readFigure(stage: string, dir: string, name: string): Promise<FigureRef> {
  const spec = JSON.parse(await Deno.readTextFile(join(dir, `${name}.vl.json`)));
  const title = typeof spec.title === "string" ? { text: spec.title } : spec.title ?? {};
  const text = Array.isArray(title.text) ? title.text.join(" ") : String(title.text ?? "");
  const sub = title.subtitle === undefined ? [] : [title.subtitle].flat().map(String);
  const files: string[] = [];
  for (const ext of FIGURE_EXTS) if (await exists(join(dir, `${name}.${ext}`))) files.push(ext);
  const figure: FigureRef = { stage, name, title: text, subtitle: sub, files };
  if (files.includes("png")) {
    const bytes = await Deno.readFile(join(dir, `${name}.png`));
    figure.png = { bytes, ...pngSize(bytes) };
  }
  return figure;
}

/**
 * Load one input: its manifest (`<dir>/../manifest.json`), every top-level JSON file of its
 * output, and every figure under `figures/` (by `<name>.vl.json`): the main ζ(t) or measures figure
 * of a stage first, then its width panels and its literal-table variant, the rest by name.
 */
export async function loadInput(dir: string): Promise<InputResult> {
  const manifest = JSON.parse(await Deno.readTextFile(join(dir, "..", "manifest.json")));
  const summaries: Record<string, unknown> = {};
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".json")) names.push(e.name);
  }
  for (const n of names.sort()) summaries[n] = JSON.parse(await Deno.readTextFile(join(dir, n)));
  const figDir = join(dir, "figures");
  const figNames: string[] = [];
  if ((await Deno.stat(figDir).catch(() => null))?.isDirectory) {
    for await (const e of Deno.readDir(figDir)) {
      if (e.isFile && e.name.endsWith(".vl.json")) {
        figNames.push(e.name.slice(0, -".vl.json".length));
      }
    }
  }
  const id: string = manifest.material.id;
  const figures = [];
  for (const n of figNames.sort(byFigureRank)) figures.push(await readFigure(id, figDir, n));
  return {
    id,
    key: manifest.key,
    params: manifest.material.params ?? {},
    startedAt: manifest.startedAt ?? "",
    endedAt: manifest.endedAt ?? "",
    tools: manifest.tools ?? {},
    summaries,
    figures,
  };
}

const RANK = ["_zeta", "_measures", "_widths", "_literal"];

function byFigureRank(a: string, b: string): number {
  const rank = (n: string) => {
    const r = RANK.findIndex((suffix) => n.endsWith(suffix));
    return r < 0 ? RANK.length : r;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
