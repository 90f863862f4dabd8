import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL as toFileUrl } from "node:url";
import { CodeHasher, scanImports } from "./code_hash.ts";

Deno.test("scanImports() finds static, re-export, side-effect and dynamic imports, not type-only ones", () => {
  const src = `import a from "./a.ts";
import {
  b,
  c,
} from "../b.ts";
import "./side.ts";
export * from "./re.ts";
import type { T } from "./types.ts";
const s = "not an import from './no.ts'";
const m = await import("./lazy.ts");
import vega from "vega";`;
  assert.deepEqual(scanImports(src), [
    "./a.ts",
    "../b.ts",
    "./side.ts",
    "./re.ts",
    "vega",
    "./lazy.ts",
  ]);
});

async function makeRepo(): Promise<string> {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(join(root, "stages"));
  await Deno.mkdir(join(root, "models"));
  await Deno.writeTextFile(join(root, "deno.json"), '{"imports":{"vega":"npm:vega@6.4.0"}}');
  await Deno.writeTextFile(
    join(root, "stages", "a.ts"),
    'import { f } from "../models/f.ts";\nexport const x = async () => (await import("./lazy.ts")).y;\n',
  );
  await Deno.writeTextFile(
    join(root, "stages", "lazy.ts"),
    'import "vega";\nexport const y = 1;\n',
  );
  await Deno.writeTextFile(
    join(root, "models", "f.ts"),
    'import { g } from "./deep/g.ts";\nexport const f = g;\n',
  );
  await Deno.mkdir(join(root, "models", "deep"));
  await Deno.writeTextFile(join(root, "models", "deep", "g.ts"), "export const g = 1;\n");
  await Deno.writeTextFile(join(root, "models", "unrelated.ts"), "export const u = 1;\n");
  return root;
}

Deno.test("CodeHasher.fingerprint() covers the import closure and pinned externals", async () => {
  const root = await makeRepo();
  const fp = new CodeHasher(root).fingerprint(toFileUrl(join(root, "stages", "a.ts")).href);
  assert.deepEqual(Object.keys(fp.files), [
    "models/deep/g.ts",
    "models/f.ts",
    "stages/a.ts",
    "stages/lazy.ts",
  ]);
  assert.deepEqual(fp.externals, ["npm:vega@6.4.0"]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("CodeHasher.fingerprint() changes with an imported file, not with an unrelated one", async () => {
  const root = await makeRepo();
  const url = toFileUrl(join(root, "stages", "a.ts")).href;
  const before = new CodeHasher(root).fingerprint(url);
  await Deno.writeTextFile(join(root, "models", "unrelated.ts"), "export const u = 2;\n");
  assert.deepEqual(new CodeHasher(root).fingerprint(url), before);
  // a file two imports away from the stage's module counts as much as a direct import
  await Deno.writeTextFile(join(root, "models", "deep", "g.ts"), "export const g = 2;\n");
  const deep = new CodeHasher(root).fingerprint(url);
  assert.notDeepEqual(deep, before);
  assert.notEqual(deep.files["models/deep/g.ts"], before.files["models/deep/g.ts"]);
  await Deno.writeTextFile(join(root, "models", "f.ts"), "export const f = 2;\n");
  const after = new CodeHasher(root).fingerprint(url);
  assert.notEqual(after.files["models/f.ts"], before.files["models/f.ts"]);
  assert.equal(after.files["stages/a.ts"], before.files["stages/a.ts"]);
  // f.ts no longer imports g.ts, which leaves the closure
  assert.equal(after.files["models/deep/g.ts"], undefined);
  await Deno.remove(root, { recursive: true });
});

Deno.test("CodeHasher.fingerprint() refuses a module that imports a file outside the root", async () => {
  const root = await makeRepo();
  await Deno.writeTextFile(join(root, "stages", "out.ts"), 'import "../../elsewhere.ts";\n');
  assert.throws(
    () => new CodeHasher(root).fingerprint(toFileUrl(join(root, "stages", "out.ts")).href),
    (e) => e instanceof RangeError && /elsewhere\.ts" to lie inside/.test(e.message),
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("CodeHasher.fingerprint() maps a package's files through a prefix key of the import map", async () => {
  const root = await Deno.makeTempDir();
  const imports = {
    "font/": "npm:/font@2.37.3/",
    "font/ttf/": "npm:/font-ttf@9.0.0/", // the longest key that begins the specifier wins
    "font": "npm:font@2.37.3",
    "lev": "npm:lev@1.0.8", // maps "lev/..." too, as Deno does for an npm entry
  };
  await Deno.writeTextFile(join(root, "deno.json"), JSON.stringify({ imports }));
  await Deno.writeTextFile(
    join(root, "a.ts"),
    'import "font";\nimport m from "font/package.json" with { type: "json" };\n' +
      'import "font/ttf/Sans.ttf";\nimport "fontx/y.js";\nimport "lev/package.json";\n',
  );
  const fp = new CodeHasher(root).fingerprint(join(root, "a.ts"));
  assert.deepEqual(fp.externals, [
    "npm:/font-ttf@9.0.0/Sans.ttf",
    "npm:/font@2.37.3/package.json",
    "npm:/lev@1.0.8/package.json",
    "npm:font@2.37.3",
    "unmapped:fontx/y.js", // "font/" does not begin "fontx/"
  ]);
  // scopes, which map differently below some folders, are refused rather than ignored
  await Deno.writeTextFile(join(root, "deno.json"), JSON.stringify({ imports, scopes: {} }));
  assert.throws(() => new CodeHasher(root), /Expected no "scopes" in ".*deno\.json"/);
  await Deno.remove(root, { recursive: true });
});

Deno.test("every external package the DAG's code imports resolves to a pinned version", () => {
  const root = new URL("../", import.meta.url);
  const fp = new CodeHasher(root.pathname).fingerprint(new URL("stages/mod.ts", root).href);
  assert.ok(fp.externals.length > 5, fp.externals.join(", "));
  assert.deepEqual(fp.externals.filter((e) => !/^npm:\/?[\w@.\/-]+@\d/.test(e)), []);
  assert.ok(fp.externals.some((e) => e.startsWith("npm:/dejavu-fonts-ttf@")));
});
