/**
 * Code fingerprints: the repository modules a stage's module imports, transitively (static and
 * literal dynamic imports), each with its SHA-256, plus the pinned external packages they name.
 * Editing a stage or a model it uses changes its fingerprint; editing an unrelated file does not.
 */
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { sha256Hex } from "./hash.ts";

/** Repository files by path relative to the root, with their SHA-256; and external specifiers. */
export interface CodeFingerprint {
  files: Record<string, string>;
  externals: string[];
}

interface ScannedFile {
  hash: string;
  locals: string[];
  externals: string[];
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

  /** `root` is the directory holding deno.json, whose import map resolves bare specifiers. */
  constructor(root: string) {
    this.root = resolve(root);
    const config = JSON.parse(Deno.readTextFileSync(join(this.root, "deno.json")));
    if (config.scopes !== undefined) {
      // a scope maps a specifier differently below some folders, which #mapped does not follow
      throw new RangeError(`Expected no "scopes" in "${join(this.root, "deno.json")}"`);
    }
    this.#imports = config.imports ?? {};
    for (const [key, value] of Object.entries(this.#imports)) {
      if (key.endsWith("/")) this.#prefixes[key] = value;
      else if (value.startsWith("npm:") && !value.endsWith("/")) {
        this.#prefixes[`${key}/`] ??= `npm:/${value.slice("npm:".length).replace(/^\//, "")}/`;
      }
    }
  }

  /** The fingerprint of a module given as a file: URL or path. */
  fingerprint(module: string): CodeFingerprint {
    const start = module.startsWith("file:") ? fromFileUrl(module) : resolve(module);
    const files: Record<string, string> = {};
    const externals = new Set<string>();
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      const path = queue[i];
      const rel = relative(this.root, path);
      if (rel.startsWith("..")) {
        throw new RangeError(`Expected module "${path}" to lie inside "${this.root}"`);
      }
      const scanned = this.#scan(path);
      files[rel] = scanned.hash;
      for (const e of scanned.externals) externals.add(e);
      for (const l of scanned.locals) if (!queue.includes(l)) queue.push(l);
    }
    const sorted: Record<string, string> = {};
    for (const k of Object.keys(files).sort()) sorted[k] = files[k];
    return { files: sorted, externals: [...externals].sort() };
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
      for (const spec of scanImports(new TextDecoder().decode(bytes))) {
        this.#classify(spec, path, result);
      }
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
