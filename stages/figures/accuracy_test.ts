// The accuracy-against-σ figure with diverged runs: they are named in the subtitle, left out of the
// means and bars, and drawn as crosses; without any, the spec is the plain two-layer one.
import assert from "node:assert/strict";
import { join } from "node:path";
import { accuracySpec, divergedLines } from "./accuracy.ts";
import { writeFigure } from "./_vega.ts";

Deno.test("divergedLines() names each diverged run by σ, seed and step, sorted, and nothing when none diverged", () => {
  assert.deepEqual(divergedLines([{ sigma: 1, seed: 0, diverged: false }]), []);
  assert.deepEqual(
    divergedLines([
      { sigma: 8, seed: 2, diverged: true, divergedAt: 97 },
      { sigma: 1, seed: 0, diverged: false },
      { sigma: 8, seed: 1, diverged: true, divergedAt: 412 },
      { sigma: 4, seed: 0, diverged: true, note: "every rate diverged" },
    ]),
    [
      "Diverged, not in the means (× marks accuracy before diverging): σ 4 seed 0 (every rate " +
      "diverged), σ 8 seed 1 (step 412), σ 8 seed 2 (step 97).",
    ],
  );
  assert.deepEqual(divergedLines([{ sigma: 2, seed: 1, diverged: true }], false), [
    "Diverged, not in the means: σ 2 seed 1 (diverged).",
  ]);
});

Deno.test("accuracySpec() keeps diverged rows out of the mean and bar layers and draws them as crosses", async () => {
  const plain = accuracySpec("t", ["s"]) as { layer: Record<string, unknown>[] };
  assert.equal(plain.layer.length, 2);
  assert.ok(plain.layer.every((l) => !("transform" in l)));
  const spec = accuracySpec("t", ["s"], { diverged: true }) as { layer: Record<string, unknown>[] };
  assert.deepEqual(spec.layer.map((l) => l.transform), [
    [{ filter: "!datum.diverged" }],
    [{ filter: "!datum.diverged" }],
    [{ filter: "datum.diverged" }],
  ]);
  // rendered: the diverged row is drawn (a cross), and is not averaged into the line
  const dir = await Deno.makeTempDir();
  const converged = [1, 2, 4].flatMap((sigma) =>
    [0, 1].map((seed) => ({
      sigma,
      seed,
      split: "test",
      accuracy: 0.6 - 0.02 * sigma + 0.01 * seed,
      diverged: false,
    }))
  );
  const svg = async (name: string, rows: Record<string, string | number | boolean>[]) => {
    await writeFigure(dir, { name, spec: accuracySpec("t", ["s"], { diverged: true }), rows });
    return await Deno.readTextFile(join(dir, `${name}.svg`));
  };
  const without = await svg("without", converged);
  // inside the y domain of the others, so that the scale stays the same
  const gone = { sigma: 2, seed: 2, split: "test", accuracy: 0.585, diverged: true };
  const withCross = await svg("with", [...converged, gone]);
  assert.notEqual(withCross, without);
  // the same row not marked diverged moves σ = 2's mean and bar: the line path differs too
  const averaged = await svg("averaged", [...converged, { ...gone, diverged: false }]);
  const paths = (s: string) => [...s.matchAll(/<path[^>]*d="([^"]+)"/g)].map((m) => m[1]);
  const linePaths = (s: string) => paths(s).filter((d) => d.split("L").length === 3);
  assert.deepEqual(linePaths(withCross), linePaths(without));
  assert.notDeepEqual(linePaths(averaged), linePaths(without));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("accuracySpec() draws the seed mean as the line and mean ± 1 sample SD as the bars", async () => {
  const { compile } = await import("vega-lite");
  const vega = await import("vega");
  const accs = [[0.5, 0.52, 0.6], [0.4, 0.41, 0.45]]; // skewed, so that mean ≠ median
  const rows = accs.flatMap((xs, i) =>
    xs.map((accuracy, seed) => ({ sigma: 2 ** i, seed, split: "test", accuracy }))
  );
  const spec = { ...accuracySpec("t", ["s"]), data: { values: rows } };
  const view = new vega.View(vega.parse(compile(spec as never).spec), { renderer: "none" });
  await view.runAsync();
  type Node = { marktype?: string; role?: string; items?: Node[]; y?: number; y2?: number };
  const marks = (n: Node, out: Node[] = []): Node[] => {
    if (n.marktype && n.role === "mark") out.push(n);
    for (const k of n.items ?? []) marks(k, out);
    return out;
  };
  const all = marks((view.scenegraph() as unknown as { root: Node }).root);
  const y = view.scale("y") as unknown as { invert(px: number): number };
  const line = all.find((m) => m.marktype === "line")!.items!.map((i) => y.invert(i.y!));
  const bars = all.find((m) => m.marktype === "rule")!.items!.map((i) =>
    [y.invert(i.y!), y.invert(i.y2!)].sort((a, b) => a - b)
  );
  view.finalize();
  accs.forEach((xs, i) => {
    const mean = xs.reduce((a, b) => a + b) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
    assert.ok(Math.abs(line[i] - mean) < 1e-9, `line ${line[i]} vs mean ${mean}`);
    assert.ok(Math.abs(bars[i][0] - (mean - sd)) < 1e-9, `bar ${bars[i]} vs ${mean} ± ${sd}`);
    assert.ok(Math.abs(bars[i][1] - (mean + sd)) < 1e-9, `bar ${bars[i]} vs ${mean} ± ${sd}`);
  });
});
