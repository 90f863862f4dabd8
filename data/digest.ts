/** Streaming file digests and verification of files against pinned digests. */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { DigestError } from "./format_error.ts";

/** A pinned digest of an archive: algorithm, value and its text encoding. */
export interface ArchivePin {
  algorithm: "md5" | "sha256" | "sha512";
  digest: string;
  encoding: "hex" | "base64";
}

/** A final file (path relative to the data set folder) and its pinned SHA-256. */
export interface FilePin {
  name: string;
  sha256: string;
}

/** Turns an npm `dist.integrity` string ("sha512-<base64>") into a pin. */
export function integrityPin(integrity: string): ArchivePin {
  const match = /^sha512-([A-Za-z0-9+/]+={0,2})$/.exec(integrity);
  if (!match) throw new TypeError(`Expected "sha512-<base64>" but found "${integrity}"`);
  return { algorithm: "sha512", digest: match[1], encoding: "base64" };
}

/** Digest of a file, read as a stream; `onBytes` reports bytes hashed so far. */
export async function digestFile(
  path: string,
  algorithm: ArchivePin["algorithm"] = "sha256",
  encoding: ArchivePin["encoding"] = "hex",
  onBytes?: (done: number) => void,
): Promise<string> {
  const hash = createHash(algorithm);
  using file = await Deno.open(path);
  const buffer = new Uint8Array(1 << 20);
  let done = 0;
  while (true) {
    const n = await file.read(buffer);
    if (n === null) break;
    hash.update(buffer.subarray(0, n));
    done += n;
    onBytes?.(done);
  }
  return hash.digest(encoding);
}

const ALGORITHM_NAMES = { md5: "MD5", sha256: "SHA-256", sha512: "SHA-512" } as const;

/** Checks one file against a pin; throws DigestError naming the file and both digests. */
export async function checkPin(path: string, label: string, pin: ArchivePin): Promise<void> {
  const actual = await digestFile(path, pin.algorithm, pin.encoding);
  if (actual !== pin.digest) {
    throw new DigestError(
      `Expected ${ALGORITHM_NAMES[pin.algorithm]} ${pin.digest} for "${label}" but found ${actual}`,
    );
  }
}

/**
 * Verifies every pinned file under `dir` by SHA-256. Throws DigestError listing every missing
 * or mismatching file (expected and actual digests); resolves when all match.
 *
 * @example
 * ```ts
 * import { MNIST_FILES, verifyFiles } from "./mod.ts";
 *
 * await verifyFiles("out/data/mnist", MNIST_FILES); // throws DigestError on any mismatch
 * ```
 */
export async function verifyFiles(
  dir: string,
  pins: readonly FilePin[],
  onProgress?: (file: string, done: number, total: number) => void,
): Promise<void> {
  const problems: string[] = [];
  for (const pin of pins) {
    const path = join(dir, pin.name);
    let actual: string;
    try {
      const total = (await Deno.stat(path)).size;
      actual = await digestFile(path, "sha256", "hex", (n) => onProgress?.(pin.name, n, total));
    } catch (cause) {
      if (!(cause instanceof Deno.errors.NotFound)) throw cause;
      problems.push(`Expected file "${pin.name}" in "${dir}" but found none`);
      continue;
    }
    if (actual !== pin.sha256) {
      problems.push(`Expected SHA-256 ${pin.sha256} for "${pin.name}" but found ${actual}`);
    }
  }
  if (problems.length > 0) throw new DigestError(problems.join("\n"));
}
