import assert from "node:assert/strict";
import { join } from "node:path";
import { loadInput, pngSize } from "./mod.ts";

/** The first 24 bytes of a PNG: signature, IHDR length and type, width and height. */
function pngHead(width: number, height: number): Uint8Array {
  const out = new Uint8Array(24);
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(out.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return out;
}

Deno.test("pngSize() reads width then height from IHDR and rejects a short file", () => {
  assert.deepEqual(pngSize(pngHead(640, 480)), { width: 640, height: 480 });
  assert.throws(
    () => pngSize(pngHead(640, 480).subarray(0, 23)),
    /Expected PNG bytes but found 23 bytes/,
  );
});

Deno.test("loadInput() reads the manifest, sorted summaries and ranked figures of a stage", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = join(root, "out");
    await Deno.mkdir(join(dir, "figures"), { recursive: true });
    await Deno.writeTextFile(
      join(root, "manifest.json"),
      JSON.stringify({
        key: "k",
        material: { id: "stage-x", params: { a: 1 } },
        startedAt: "s",
        endedAt: "e",
        tools: { deno: "2" },
      }),
    );
    for (const name of ["summary.json", "a.json", "z.json", "m.json"]) {
      await Deno.writeTextFile(join(dir, name), '{"n":1}');
    }
    // ranked suffixes first (_zeta before _widths), then the rest by name
    for (const name of ["h", "b", "a", "f", "c_widths", "e", "g", "d_zeta"]) {
      const spec = { title: { text: `T ${name}`, subtitle: "sub" } };
      await Deno.writeTextFile(join(dir, "figures", `${name}.vl.json`), JSON.stringify(spec));
    }
    await Deno.writeFile(join(dir, "figures", "a.png"), pngHead(80, 60));
    const input = await loadInput(dir);
    assert.equal(input.id, "stage-x");
    assert.deepEqual(input.params, { a: 1 });
    // summaries in file-name order, whatever order the directory lists them in
    assert.deepEqual(Object.keys(input.summaries), ["a.json", "m.json", "summary.json", "z.json"]);
    assert.deepEqual(input.summaries["summary.json"], { n: 1 });
    assert.deepEqual(input.figures.map((f) => f.name), [
      "d_zeta",
      "c_widths",
      "a",
      "b",
      "e",
      "f",
      "g",
      "h",
    ]);
    const a = input.figures[2];
    assert.deepEqual(a.files, ["vl.json", "png"]);
    assert.deepEqual([a.title, a.subtitle, a.png?.width, a.png?.height], ["T a", ["sub"], 80, 60]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
