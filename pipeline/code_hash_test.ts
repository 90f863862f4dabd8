import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL as toFileUrl } from "node:url";
import {
  CodeHasher,
  COMPILER_OPTIONS,
  normalizedHash,
  NORMALIZER,
  scanImports,
} from "./code_hash.ts";
import { codeChange } from "./explain.ts";
import { sha256Hex } from "./hash.ts";

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
  const fp = await new CodeHasher(root).fingerprint(toFileUrl(join(root, "stages", "a.ts")).href);
  assert.deepEqual(Object.keys(fp.files), [
    "models/deep/g.ts",
    "models/f.ts",
    "stages/a.ts",
    "stages/lazy.ts",
  ]);
  assert.deepEqual(fp.externals, [NORMALIZER, "npm:vega@6.4.0"]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("CodeHasher.fingerprint() changes with an imported file, not with an unrelated one", async () => {
  const root = await makeRepo();
  const url = toFileUrl(join(root, "stages", "a.ts")).href;
  const before = await new CodeHasher(root).fingerprint(url);
  await Deno.writeTextFile(join(root, "models", "unrelated.ts"), "export const u = 2;\n");
  assert.deepEqual(await new CodeHasher(root).fingerprint(url), before);
  // a file two imports away from the stage's module counts as much as a direct import
  await Deno.writeTextFile(join(root, "models", "deep", "g.ts"), "export const g = 2;\n");
  const deep = await new CodeHasher(root).fingerprint(url);
  assert.notDeepEqual(deep, before);
  assert.notEqual(deep.files["models/deep/g.ts"], before.files["models/deep/g.ts"]);
  await Deno.writeTextFile(join(root, "models", "f.ts"), "export const f = 2;\n");
  const after = await new CodeHasher(root).fingerprint(url);
  assert.notEqual(after.files["models/f.ts"], before.files["models/f.ts"]);
  assert.equal(after.files["stages/a.ts"], before.files["stages/a.ts"]);
  // f.ts no longer imports g.ts, which leaves the closure
  assert.equal(after.files["models/deep/g.ts"], undefined);
  await Deno.remove(root, { recursive: true });
});

Deno.test("CodeHasher.fingerprint() refuses a module that imports a file outside the root", async () => {
  const root = await makeRepo();
  await Deno.writeTextFile(join(root, "stages", "out.ts"), 'import "../../elsewhere.ts";\n');
  await assert.rejects(
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
  const fp = await new CodeHasher(root).fingerprint(join(root, "a.ts"));
  assert.deepEqual(fp.externals, [
    "npm:/font-ttf@9.0.0/Sans.ttf",
    "npm:/font@2.37.3/package.json",
    "npm:/lev@1.0.8/package.json",
    "npm:font@2.37.3",
    NORMALIZER,
    "unmapped:fontx/y.js", // "font/" does not begin "fontx/"
  ]);
  // scopes, which map differently below some folders, are refused rather than ignored
  await Deno.writeTextFile(join(root, "deno.json"), JSON.stringify({ imports, scopes: {} }));
  assert.throws(() => new CodeHasher(root), /Expected no "scopes" in ".*deno\.json"/);
  await Deno.remove(root, { recursive: true });
});

Deno.test("every external package the DAG's code imports resolves to a pinned version", async () => {
  const root = new URL("../", import.meta.url);
  const fp = await new CodeHasher(root.pathname).fingerprint(new URL("stages/mod.ts", root).href);
  assert.ok(fp.externals.length > 5, fp.externals.join(", "));
  assert.deepEqual(fp.externals.filter((e) => !/^npm:\/?[\w@.\/-]+@\d/.test(e)), []);
  assert.ok(fp.externals.some((e) => e.startsWith("npm:/dejavu-fonts-ttf@")));
});

/** The fingerprint hash of one module file holding `source` (a repo of that file alone). */
async function hashOf(source: string | Uint8Array, name = "m.ts"): Promise<string> {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(root, "deno.json"), "{}");
    if (typeof source === "string") await Deno.writeTextFile(join(root, name), source);
    else await Deno.writeFile(join(root, name), source);
    return (await new CodeHasher(root).fingerprint(join(root, name))).files[name];
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

const BASE = `/** Adds. */
export function add(a: number, b: number): number {
  // the sum
  return a + b;
}
export const re = /a\\/\\/b/g;
export const s = "x // y /* z */";
`;

Deno.test("fingerprint(): comments, blank lines, indentation and types leave a file's hash as it is", async () => {
  const base = await hashOf(BASE);
  const same = [
    // comments reworded, added, removed
    BASE.replace("/** Adds. */", "/**\n * Adds two numbers,\n * as floats.\n */")
      .replace("// the sum", "/* the sum of both */"),
    BASE.replace("  // the sum\n", ""),
    // blank lines, indentation, spaces inside a line
    BASE.replace("export function", "\n\nexport   function").replace("  return", "\treturn"),
    // type annotations and a type-only import
    BASE.replace("a: number, b: number): number", "a: number, b: number)")
      .replace("/** Adds. */", 'import type { T } from "./t.ts";\ntype U = T;'),
  ];
  for (const source of same) assert.equal(await hashOf(source), base, source);
});

Deno.test("fingerprint(): an edit of what runs changes a file's hash, inside strings and regexes too", async () => {
  const base = await hashOf(BASE);
  const changed = [
    BASE.replace("a + b", "a - b"),
    BASE.replace("x // y /* z */", "x // y /* w */"), // comment-like text in a string
    BASE.replace("a\\/\\/b", "a\\/\\/c"), // ... and in a regex
    BASE.replace("/g;", "/gi;"),
    BASE.replace("return a + b;", "return\na + b;"), // a line break where it changes the program
    BASE.replace("export const s", "const s"),
  ];
  for (const source of changed) assert.notEqual(await hashOf(source), base, source);
  // a template literal keeps its exact text, layout included
  assert.notEqual(
    await hashOf("export const t = `a\n  b`;\n"),
    await hashOf("export const t = `a\nb`;\n"),
  );
});

Deno.test("fingerprint(): a file TypeScript cannot parse, or that is not UTF-8, is hashed as its bytes", async () => {
  const broken = "export const a = (1;\n// note\n";
  assert.equal(await hashOf(broken), sha256Hex(broken));
  assert.notEqual(await hashOf(broken.replace("note", "other")), await hashOf(broken));
  const latin1 = new Uint8Array([
    ...new TextEncoder().encode('export const s = "'),
    0xe9,
    0x22,
    0x3b,
  ]);
  assert.equal(await hashOf(latin1), sha256Hex(latin1));
  // a file that is not a module (JSON) is hashed as its bytes
  const root = await Deno.makeTempDir();
  await Deno.writeTextFile(join(root, "deno.json"), "{}");
  await Deno.writeTextFile(join(root, "m.ts"), 'import d from "./d.json" with { type: "json" };\n');
  await Deno.writeTextFile(join(root, "d.json"), '{ "a": 1 }\n');
  const fp = await new CodeHasher(root).fingerprint(join(root, "m.ts"));
  assert.equal(fp.files["d.json"], sha256Hex('{ "a": 1 }\n'));
  await Deno.remove(root, { recursive: true });
});

Deno.test("fingerprint(): const enums, JSX and declaration files are hashed as their bytes", async () => {
  // TypeScript's emit of a file alone makes a const enum an enum; Deno inlines it
  const constEnum = "const enum E { A }\nconsole.log(typeof E);\n";
  assert.equal(await hashOf(constEnum), sha256Hex(constEnum));
  assert.notEqual(await hashOf(constEnum.replace("const enum", "enum")), await hashOf(constEnum));
  // found in the parsed file, so a comment between the keywords does not hide one, nor does
  // nesting in a namespace, a function or a block
  const hidden = [
    constEnum.replace("const enum", "const /**/ enum"),
    constEnum.replace("const enum", "const\n// c\nenum"),
    `namespace N { ${constEnum} }`,
    `export function f() { ${constEnum} }`,
    `{ ${constEnum} }`,
  ];
  for (const text of hidden) assert.equal(await hashOf(text), sha256Hex(text), text);
  // an enum that is not const, and "const enum" in a string or comment, are normalised
  const plain = 'enum E { A }\nexport const s = "const enum"; // const enum\n';
  assert.notEqual(await hashOf(plain), sha256Hex(plain));
  // a JSX pragma is a comment that changes what runs
  const tsx = "/** @jsxImportSource npm:preact */\nexport const x = <b>1</b>;\n";
  assert.equal(await hashOf(tsx, "m.tsx"), sha256Hex(tsx));
  // a .d.ts in a closure (TypeScript's emit of one throws) is hashed as its bytes
  const root = await Deno.makeTempDir();
  await Deno.writeTextFile(join(root, "deno.json"), "{}");
  await Deno.writeTextFile(
    join(root, "m.ts"),
    'import { T } from "./t.d.ts";\nexport const m: T = 1;\n',
  );
  await Deno.writeTextFile(join(root, "t.d.ts"), "export type T = number;\n");
  const fp = await new CodeHasher(root).fingerprint(join(root, "m.ts"));
  assert.equal(fp.files["t.d.ts"], sha256Hex("export type T = number;\n"));
  await Deno.remove(root, { recursive: true });
});

Deno.test("fingerprint(): the same bytes as .ts and as .js keep their own hashes, whichever is seen first", async () => {
  // .ts drops an import whose name is unused; .js keeps it
  const source = `import { a } from "vega";\nexport const b = "${crypto.randomUUID()}";\n`;
  const raw = sha256Hex(source);
  const asJs = await hashOf(source, "y.js");
  const asTs = await hashOf(source, "x.ts");
  assert.notEqual(asJs, asTs);
  assert.equal(asTs, await normalizedHash(source, "x.ts", raw));
  assert.equal(asJs, await normalizedHash(source, "y.js", raw));
});

Deno.test("legacyFingerprint() is cache format 1's: every file's SHA-256 of its bytes, no normaliser", async () => {
  const root = await makeRepo();
  const url = toFileUrl(join(root, "stages", "a.ts")).href;
  const hasher = new CodeHasher(root);
  const legacy = hasher.legacyFingerprint(url);
  const files: Record<string, string> = {};
  for (const f of ["models/deep/g.ts", "models/f.ts", "stages/a.ts", "stages/lazy.ts"]) {
    files[f] = sha256Hex(await Deno.readFile(join(root, f)));
  }
  assert.deepEqual(legacy, { files, externals: ["npm:vega@6.4.0"] });
  assert.deepEqual(hasher.files(url), Object.keys(files));
  // a comment changes the legacy fingerprint, not the fingerprint
  const before = await hasher.fingerprint(url);
  await Deno.writeTextFile(
    join(root, "models", "f.ts"),
    (await Deno.readTextFile(join(root, "models", "f.ts"))) + "// note\n",
  );
  assert.deepEqual(await new CodeHasher(root).fingerprint(url), before);
  assert.notDeepEqual(new CodeHasher(root).legacyFingerprint(url), legacy);
  await Deno.remove(root, { recursive: true });
});

/** Save a memo of one module in `root`; returns the memo's path (to read its header). */
async function saveOne(root: string): Promise<string> {
  await Deno.writeTextFile(join(root, "one.ts"), "export const one = 1;\n");
  const hasher = new CodeHasher(root, { memo: join(root, "one.json") });
  await hasher.fingerprint(join(root, "one.ts"));
  await hasher.saveMemo();
  return join(root, "one.json");
}

Deno.test("CodeHasher's memo: saved where its folder exists, read by a later hasher, ignored for another normaliser or scheme", async () => {
  const root = await Deno.makeTempDir();
  await Deno.writeTextFile(join(root, "deno.json"), "{}");
  // sources no other test hashes, so this process has no normalised hash of them yet
  const module = async (name: string) => {
    const source = `export const memoTest = "${crypto.randomUUID()}";\n`;
    await Deno.writeTextFile(join(root, name), source);
    return { path: join(root, name), raw: sha256Hex(source), source };
  };
  const memo = async (name: string, header: object, hashes: Record<string, string>) => {
    await Deno.writeTextFile(join(root, name), JSON.stringify({ ...header, hashes }));
    return join(root, name);
  };
  // a memo of this normaliser and scheme is read: a forged hash in it is what the plan uses
  const forged = await module("forged.ts");
  const scheme = JSON.parse(await Deno.readTextFile(await saveOne(root))).scheme;
  const good = await memo("good.json", { normalizer: NORMALIZER, scheme }, {
    [`.ts:${forged.raw}`]: "f".repeat(64),
  });
  const fp = await new CodeHasher(root, { memo: good }).fingerprint(forged.path);
  assert.equal(fp.files["forged.ts"], "f".repeat(64));
  // one of another normaliser or scheme is not (each read for a module not seen before)
  const headers = [{ normalizer: "npm:typescript@0.1.0", scheme }, {
    normalizer: NORMALIZER,
    scheme: "0",
  }];
  for (const [i, header] of headers.entries()) {
    const fresh = await module(`fresh${i}.ts`);
    const path = await memo(`m${i}.json`, header, { [`.ts:${fresh.raw}`]: "0".repeat(64) });
    const got = await new CodeHasher(root, { memo: path }).fingerprint(fresh.path);
    assert.equal(
      got.files[`fresh${i}.ts`],
      await normalizedHash(fresh.source, "fresh.ts", fresh.raw),
      JSON.stringify(header),
    );
  }
  const other = await module("other.ts");
  await new CodeHasher(root).fingerprint(other.path);
  // a memo read after a hash was computed in this process does not replace it
  const late = await memo("late.json", { normalizer: NORMALIZER, scheme }, {
    [`.ts:${other.raw}`]: "1".repeat(64),
  });
  const after = await new CodeHasher(root, { memo: late }).fingerprint(other.path);
  assert.equal(after.files["other.ts"], await normalizedHash(other.source, "other.ts", other.raw));
  // saving: nothing where the folder is missing; else what this process looked up
  const missing = new CodeHasher(root, { memo: join(root, "no", "memo.json") });
  await missing.saveMemo();
  assert.equal(await Deno.stat(join(root, "no")).catch(() => null), null, "no folder is made");
  const saved = new CodeHasher(root, { memo: join(root, "saved.json") });
  await saved.fingerprint(other.path);
  await saved.saveMemo();
  const written = JSON.parse(await Deno.readTextFile(join(root, "saved.json")));
  assert.deepEqual([written.normalizer, written.scheme], [NORMALIZER, scheme]);
  assert.equal(
    written.hashes[`.ts:${other.raw}`],
    await normalizedHash(other.source, "other.ts", other.raw),
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("fingerprint(): deno.json's compilerOptions beyond type checking join the externals, and files are hashed as bytes", async () => {
  const root = await Deno.makeTempDir();
  const source = "/** a */\nexport const a = 1;\n";
  await Deno.writeTextFile(join(root, "m.ts"), source);
  const fp = async (compilerOptions: object) => {
    await Deno.writeTextFile(join(root, "deno.json"), JSON.stringify({ compilerOptions }));
    return await new CodeHasher(root).fingerprint(join(root, "m.ts"));
  };
  // type checking alone cannot change what runs: as if there were no options
  const none = await fp({});
  assert.deepEqual(await fp({ strict: true, noUnusedLocals: true, lib: ["deno.ns"] }), none);
  assert.equal(none.files["m.ts"], await hashOf(source));
  assert.deepEqual(none.externals, [NORMALIZER]);
  // decorator metadata is emitted from types: no normalisation then
  const metadata = await fp({
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
  });
  assert.equal(metadata.files["m.ts"], sha256Hex(source));
  assert.deepEqual(metadata.externals, [
    `${COMPILER_OPTIONS} {"emitDecoratorMetadata":true,"experimentalDecorators":true}`,
  ]);
  // explained as the options' change, not as every file's
  assert.equal(
    codeChange(none, metadata),
    'deno.json compilerOptions changed: (none) -> {"emitDecoratorMetadata":true,"experimentalDecorators":true}',
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("deno.json pins the normaliser code_hash.ts names", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(config.imports.typescript, NORMALIZER);
});
