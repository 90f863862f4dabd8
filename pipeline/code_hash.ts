/**
 * Code fingerprints: the repository modules a stage's module imports, transitively (static and
 * literal dynamic imports), each with a hash, plus the pinned external packages they name.
 * Editing a stage or a model it uses changes its fingerprint; editing an unrelated file does not.
 *
 * A TypeScript or JavaScript module's hash is that of the JavaScript TypeScript emits for it with
 * comments removed (NORMALIZER), as the `targets` R package hashes a function's deparsed body: an
 * edit of comments, blank lines, indentation or type annotations leaves the fingerprint, and so
 * every cached result, as it is. Hashed as their bytes instead: files that are not modules (JSON),
 * `.tsx`/`.jsx` (a comment pragma such as `@jsxImportSource` changes what runs), `.d.ts`, a file
 * TypeScript cannot parse or that is not UTF-8, and one that declares a const enum (TypeScript's
 * emit of a file alone keeps a const enum as an enum; Deno inlines it and drops the object); and
 * every file when deno.json has compilerOptions beyond type checking (TYPE_CHECK_ONLY), whose JSON
 * (those options only) then joins the externals instead of NORMALIZER. The legacy fingerprint
 * (cache format 1) hashes every file's bytes.
 */
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { writeFileAtomic } from "./fs.ts";
import { canonicalJson, hashJson, sha256Hex } from "./hash.ts";

/** Repository files by path relative to the root, with their hashes; and external specifiers. */
export interface CodeFingerprint {
  files: Record<string, string>;
  externals: string[];
}

/**
 * The package whose emit normalises source files (pinned in deno.json as "typescript"). It is one
 * of the externals of every fingerprint that it normalises, so another version gives every stage a
 * new key.
 */
export const NORMALIZER = "npm:typescript@5.9.3";

/** How the external that stands for deno.json's compilerOptions begins (see TYPE_CHECK_ONLY). */
export const COMPILER_OPTIONS = "deno.json compilerOptions";

const EMITTED = /\.(ts|mts|js|mjs)$/;
const DECLARATIONS = /\.d\.m?ts$/;
/**
 * deno.json `compilerOptions` that only steer type checking. Any other (decorator metadata, JSX
 * settings, ...) can make types or comments change what runs: then every file is hashed as bytes.
 */
const TYPE_CHECK_ONLY = new RegExp(
  "^(" + [
    "strict",
    "strictNullChecks",
    "strictFunctionTypes",
    "strictBindCallApply",
    "strictPropertyInitialization",
    "strictBuiltinIteratorReturn",
    "lib",
    "types",
    "checkJs",
    "skipLibCheck",
    "noImplicitAny",
    "noImplicitReturns",
    "noImplicitThis",
    "noImplicitOverride",
    "noUnusedLocals",
    "noUnusedParameters",
    "noFallthroughCasesInSwitch",
    "noUncheckedIndexedAccess",
    "noPropertyAccessFromIndexSignature",
    "exactOptionalPropertyTypes",
    "useUnknownInCatchVariables",
    "allowUnreachableCode",
    "allowUnusedLabels",
    "noErrorTruncation",
  ].join("|") + ")$",
);

/**
 * How a module is normalised; a memo written for another (`scheme`, its hash) is not read, so bump
 * `version` when the code that normalises changes. `emit` and `declarations`: the file names whose
 * emit is hashed (the first, not the second); `typeCheckOnly`: the deno.json compilerOptions that
 * leave normalisation on; `raw`: what is hashed as bytes although emitted.
 */
const NORMALIZATION = {
  version: 2,
  emit: EMITTED.source,
  declarations: DECLARATIONS.source,
  typeCheckOnly: TYPE_CHECK_ONLY.source,
  raw: "a const enum declaration, a syntax error, an emit that throws",
  prefix: "emit\n",
  compilerOptions: { removeComments: true, target: "ESNext", module: "ESNext" },
} as const;
const MEMO_SCHEME = hashJson(NORMALIZATION);

/** A module's import closure: files sorted by path relative to the root, and externals. */
interface Walk {
  closure: [string, { path: string; scanned: ScannedFile }][];
  externals: string[];
}

interface ScannedFile {
  /** SHA-256 of the bytes. */
  hash: string;
  /** The text, for a module whose emit is hashed (EMITTED, UTF-8). */
  text?: string;
  locals: string[];
  externals: string[];
}

/**
 * Normalised hashes by file extension and SHA-256 of the bytes (`.ts:<sha>`: the same bytes emit
 * differently as `.js`), for this process (shared by every hasher).
 */
const normalized = new Map<string, string>();
/** The memo keys looked up in this process: what a saved memo keeps first. */
const used = new Set<string>();
/** The most hashes a saved memo keeps: those used in this process, then those it read. */
const MEMO_SIZE = 4096;
/** Memo files read in this process. */
const loadedMemos = new Set<string>();
let typescript: Promise<typeof import("typescript")> | undefined;

async function loadTypescript(): Promise<typeof import("typescript")> {
  const ts = (await import("typescript")).default;
  if (`npm:typescript@${ts.version}` !== NORMALIZER) {
    throw new Error(
      `Expected deno.json to pin ${NORMALIZER} but it loads typescript ${ts.version}`,
    );
  }
  return ts;
}

/**
 * The hash of a module text's comment-free JavaScript emit; the hash of its bytes (`raw`) when it
 * declares a const enum (see the module doc), when TypeScript reports a syntax error (such a file
 * fails to load anyway, and what the emit of a text it cannot parse keeps is not defined) or when
 * the emit throws.
 */
export async function normalizedHash(text: string, fileName: string, raw: string): Promise<string> {
  typescript ??= loadTypescript();
  const ts = await typescript;
  const { removeComments, target, module } = NORMALIZATION.compilerOptions;
  let constEnum = false;
  // looks at the parsed TypeScript before the emit strips it (comments cannot hide a keyword)
  const findConstEnum = (node: import("typescript").Node): void => {
    if (
      ts.isEnumDeclaration(node) &&
      (node.modifiers ?? []).some((m) => m.kind === ts.SyntaxKind.ConstKeyword)
    ) {
      constEnum = true;
    } else ts.forEachChild(node, findConstEnum);
  };
  let out;
  try {
    out = ts.transpileModule(text, {
      fileName,
      reportDiagnostics: true,
      compilerOptions: {
        removeComments,
        target: ts.ScriptTarget[target],
        module: ts.ModuleKind[module],
      },
      transformers: {
        before: [() => (file) => {
          findConstEnum(file);
          return file;
        }],
      },
    });
  } catch {
    return raw;
  }
  if (constEnum || (out.diagnostics ?? []).length > 0) return raw;
  // the normaliser's version is among the externals: a new one whose emit of a file is the same
  // leaves that file's hash, so a rerun it causes is explained as "packages changed: typescript"
  return sha256Hex(NORMALIZATION.prefix + out.outputText);
}

// `import x from "m"`, `import { a } from "m"`, `import "m"`, `export * from "m"`. Type-only
// imports (`import type`) are skipped: they cannot change what a stage computes.
const STATIC_IMPORT =
  /(?:^|[;}\n])\s*(?:import|export)\s+(?!type\s)(?:[\w$*{}\s,]+?\s+from\s+)?["']([^"'\n]+)["']/g;
const DYNAMIC_IMPORT = /\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/g;
const SCANNED = /\.(ts|tsx|js|mjs|jsx|mts)$/;

/** List the module specifiers a source text imports, static ones first, in source order. */
export function scanImports(source: string): string[] {
  const found: string[] = [];
  for (const re of [STATIC_IMPORT, DYNAMIC_IMPORT]) {
    for (const m of source.matchAll(re)) if (!found.includes(m[1])) found.push(m[1]);
  }
  return found;
}

/** Computes fingerprints below one repository root, reading each file once. */
export class CodeHasher {
  readonly root: string;
  #imports: Record<string, string>;
  /** The import map's prefix keys ("pkg/"), with those Deno implies for npm entries (#mapped). */
  #prefixes: Record<string, string> = {};
  #scanned = new Map<string, ScannedFile>();
  /**
   * deno.json's compilerOptions beyond type checking, as an external, if it has any: then every
   * file is hashed as bytes.
   */
  #options: string | undefined;
  /**
   * Fingerprints by module, computed once per hasher (as each file is read once): many stages
   * share a module. Callers must not change what they get.
   */
  #fingerprints = new Map<string, Promise<CodeFingerprint>>();
  #legacy = new Map<string, CodeFingerprint>();
  /** Closures by module: both fingerprints of a module walk the same one. */
  #walks = new Map<string, Walk>();

  /** Where normalised hashes are kept between processes (`saveMemo`), if anywhere. */
  readonly memo: string | undefined;

  /**
   * `root` is the directory holding deno.json, whose import map resolves bare specifiers. `memo`:
   * a JSON file of normalised hashes by file extension and byte hash, read now (ignored when
   * unreadable or written for another NORMALIZER or MEMO_SCHEME) and written by `saveMemo`, so
   * that a plan transpiles changed files only.
   */
  constructor(root: string, options: { memo?: string } = {}) {
    this.root = resolve(root);
    this.memo = options.memo;
    if (this.memo !== undefined && !loadedMemos.has(this.memo)) {
      loadedMemos.add(this.memo);
      try {
        const read = JSON.parse(Deno.readTextFileSync(this.memo));
        if (
          read?.normalizer === NORMALIZER && read?.scheme === MEMO_SCHEME &&
          typeof read.hashes === "object"
        ) {
          for (const [memoKey, hash] of Object.entries(read.hashes)) {
            if (
              /^\.\w+:[0-9a-f]{64}$/.test(memoKey) && typeof hash === "string" &&
              /^[0-9a-f]{64}$/.test(hash)
            ) {
              // what this process computed stands: a memo only saves transpiling
              if (!normalized.has(memoKey)) normalized.set(memoKey, hash);
            }
          }
        }
      } catch {
        // no memo yet, or one this version cannot use: every file is transpiled
      }
    }
    const config = JSON.parse(Deno.readTextFileSync(join(this.root, "deno.json")));
    if (config.scopes !== undefined) {
      // a scope maps a specifier differently below some folders, which #mapped does not follow
      throw new RangeError(`Expected no "scopes" in "${join(this.root, "deno.json")}"`);
    }
    // options that only steer type checking cannot change what runs: they do not count
    const emitting = Object.entries(config.compilerOptions ?? {})
      .filter(([k]) => !TYPE_CHECK_ONLY.test(k));
    if (emitting.length > 0) {
      this.#options = `${COMPILER_OPTIONS} ${canonicalJson(Object.fromEntries(emitting))}`;
    }
    this.#imports = config.imports ?? {};
    for (const [key, value] of Object.entries(this.#imports)) {
      if (key.endsWith("/")) this.#prefixes[key] = value;
      else if (value.startsWith("npm:") && !value.endsWith("/")) {
        this.#prefixes[`${key}/`] ??= `npm:/${value.slice("npm:".length).replace(/^\//, "")}/`;
      }
    }
  }

  /**
   * The fingerprint of a module given as a file: URL or path: normalised hashes (see the module
   * doc), with NORMALIZER among the externals (and deno.json's compilerOptions, if any).
   */
  fingerprint(module: string): Promise<CodeFingerprint> {
    let fp = this.#fingerprints.get(module);
    if (fp === undefined) {
      fp = this.#fingerprint(module);
      this.#fingerprints.set(module, fp);
      // a failed one (a file outside the root, say) is not kept: the next call says so again
      fp.catch(() => this.#fingerprints.delete(module));
    }
    return fp;
  }

  async #fingerprint(module: string): Promise<CodeFingerprint> {
    const { closure, externals } = this.#walk(module);
    const files: Record<string, string> = {};
    for (const [rel, { path, scanned }] of closure) {
      if (scanned.text === undefined || this.#options !== undefined) {
        files[rel] = scanned.hash;
        continue;
      }
      const memoKey = `${extname(path)}:${scanned.hash}`;
      let hash = normalized.get(memoKey);
      if (hash === undefined) {
        hash = await normalizedHash(scanned.text, basename(path), scanned.hash);
        normalized.set(memoKey, hash);
      }
      used.add(memoKey);
      files[rel] = hash;
    }
    const more = this.#options ?? NORMALIZER;
    return { files, externals: [...new Set([...externals, more])].sort() };
  }

  /** The fingerprint cache format 1 keyed with: every file's SHA-256 of its bytes. */
  legacyFingerprint(module: string): CodeFingerprint {
    let fp = this.#legacy.get(module);
    if (fp === undefined) {
      const { closure, externals } = this.#walk(module);
      const files: Record<string, string> = {};
      for (const [rel, { scanned }] of closure) files[rel] = scanned.hash;
      fp = { files, externals };
      this.#legacy.set(module, fp);
    }
    return fp;
  }

  /**
   * Write the memo file, if this hasher has one and its folder exists (a plan of an out/ not yet
   * made creates nothing): the normalised hashes this process looked up, then those it read, up
   * to MEMO_SIZE. Best effort: a memo that cannot be written only costs the next plan the
   * transpiling.
   */
  async saveMemo(): Promise<void> {
    if (this.memo === undefined) return;
    const hashes: Record<string, string> = {};
    const kept = [...used, ...[...normalized.keys()].filter((k) => !used.has(k))];
    for (const k of kept.slice(0, MEMO_SIZE)) hashes[k] = normalized.get(k)!;
    try {
      await Deno.stat(dirname(this.memo));
      await writeFileAtomic(
        this.memo,
        JSON.stringify({ normalizer: NORMALIZER, scheme: MEMO_SCHEME, hashes }) + "\n",
      );
    } catch {
      // out/cache not made yet, or not writable by this command: nothing is lost but time
    }
  }

  /** The repository files of a module's import closure, by path relative to the root, sorted. */
  files(module: string): string[] {
    return this.#walk(module).closure.map(([rel]) => rel);
  }

  /** The files of a module's import closure (sorted by path relative to the root) and externals. */
  #walk(module: string): Walk {
    let walk = this.#walks.get(module);
    if (walk === undefined) {
      walk = this.#walkOnce(module);
      this.#walks.set(module, walk);
    }
    return walk;
  }

  #walkOnce(module: string): Walk {
    const start = module.startsWith("file:") ? fromFileUrl(module) : resolve(module);
    const files = new Map<string, { path: string; scanned: ScannedFile }>();
    const externals = new Set<string>();
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      const path = queue[i];
      const rel = relative(this.root, path);
      if (rel.startsWith("..")) {
        throw new RangeError(`Expected module "${path}" to lie inside "${this.root}"`);
      }
      const scanned = this.#scan(path);
      files.set(rel, { path, scanned });
      for (const e of scanned.externals) externals.add(e);
      for (const l of scanned.locals) if (!queue.includes(l)) queue.push(l);
    }
    const closure = [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { closure, externals: [...externals].sort() };
  }

  #scan(path: string): ScannedFile {
    const cached = this.#scanned.get(path);
    if (cached) return cached;
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(path);
    } catch (cause) {
      throw new Error(`Cannot read module "${relative(this.root, path)}"`, { cause });
    }
    const result: ScannedFile = { hash: sha256Hex(bytes), locals: [], externals: [] };
    if (SCANNED.test(path)) {
      let text: string;
      try {
        // a file that is not UTF-8 is hashed as its bytes: decoding would replace what differs
        text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        if (EMITTED.test(path) && !DECLARATIONS.test(path)) result.text = text;
      } catch {
        text = new TextDecoder().decode(bytes);
      }
      for (const spec of scanImports(text)) this.#classify(spec, path, result);
    }
    this.#scanned.set(path, result);
    return result;
  }

  #classify(spec: string, from: string, into: ScannedFile): void {
    if (spec.startsWith("./") || spec.startsWith("../") || spec.startsWith("/")) {
      into.locals.push(resolve(dirname(from), spec));
    } else if (spec.startsWith("file:")) {
      into.locals.push(fromFileUrl(spec));
    } else if (spec.startsWith("node:")) {
      return; // part of the pinned Deno itself
    } else if (/^(npm|jsr|https?):/.test(spec)) {
      into.externals.push(spec);
    } else {
      into.externals.push(this.#mapped(spec) ?? `unmapped:${spec}`);
    }
  }

  /**
   * A bare specifier through deno.json's import map, as Deno resolves it: an exact key, else the
   * longest key ending in "/" that begins it (`"pkg/": "npm:/pkg@1.2.3/"` maps `pkg/file.json` to
   * `npm:/pkg@1.2.3/file.json`, so the pinned version is part of the fingerprint). Like Deno, an
   * npm entry `"pkg": "npm:pkg@1.2.3"` also maps `pkg/...`, as if `"pkg/"` were given.
   */
  #mapped(spec: string): string | undefined {
    if (Object.hasOwn(this.#imports, spec)) return this.#imports[spec];
    const prefix = Object.keys(this.#prefixes)
      .filter((k) => spec.startsWith(k))
      .sort((a, b) => b.length - a.length)[0];
    return prefix === undefined ? undefined : this.#prefixes[prefix] + spec.slice(prefix.length);
  }
}
