/**
 * The fetch engine shared by the MNIST and CIFAR-10 fetchers: tries each source in turn, has it
 * write the canonical files into a private staging folder, verifies every file against its pinned
 * SHA-256, then renames the files into place. A file in the destination is therefore either
 * absent, a stale earlier file, or verified; never half-written.
 */
import { dirname, join } from "node:path";
import { type ArchivePin, checkPin, type FilePin, verifyFiles } from "./digest.ts";
import { downloadFile } from "./download.ts";
import { isFile } from "./_archive.ts";

/** One progress report; `total` is null when unknown. */
export interface FetchProgress {
  source: string;
  /** Archive or file being worked on. */
  file: string;
  phase: "download" | "extract" | "verify";
  done: number;
  total: number | null;
}

/** Options shared by the fetchers. */
export interface FetchOptions {
  /** Ms to wait for a host to answer, and between two chunks of a body (default 30000). */
  timeoutMs?: number;
  onProgress?: (p: FetchProgress) => void;
  signal?: AbortSignal;
}

/** What a source gets to work with. */
export interface SourceContext {
  /** Write each pinned file here under its pinned name. */
  staging: string;
  /** Downloads `url` into the shared download folder (resuming a `.part`), checks `pin`. */
  download(url: string, fileName: string, pin: ArchivePin): Promise<string>;
  progress(file: string, phase: FetchProgress["phase"], done: number, total: number | null): void;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** A place the files can come from. */
export interface Source {
  name: string;
  provide(ctx: SourceContext): Promise<void>;
}

/** A source that failed and why. */
export interface SourceFailure {
  source: string;
  error: Error;
}

/** Outcome of a fetch: the source used, absolute paths of the verified files, failed sources. */
export interface FetchResult {
  /** Name of the source that provided the files, or "existing" if they were already there. */
  source: string;
  /** Pinned name (e.g. "cifar-10-batches-bin/test_batch.bin") to path. */
  files: Record<string, string>;
  failures: SourceFailure[];
}

/** Every source failed; `failures` holds each one's error. */
export class FetchError extends Error {
  readonly failures: SourceFailure[];
  constructor(message: string, failures: SourceFailure[]) {
    super(message, { cause: new AggregateError(failures.map((f) => f.error)) });
    this.name = "FetchError";
    this.failures = failures;
  }
}

const DOWNLOADS = ".downloads";

function resultFiles(destDir: string, pins: readonly FilePin[]): Record<string, string> {
  return Object.fromEntries(pins.map((p) => [p.name, join(destDir, p.name)]));
}

async function allPresent(destDir: string, pins: readonly FilePin[]): Promise<boolean> {
  for (const pin of pins) if (!(await isFile(join(destDir, pin.name)))) return false;
  return true;
}

function contextFor(
  source: string,
  staging: string,
  downloads: string,
  opts: FetchOptions,
): SourceContext {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const progress = (
    file: string,
    phase: FetchProgress["phase"],
    done: number,
    total: number | null,
  ) => opts.onProgress?.({ source, file, phase, done, total });
  const download = async (url: string, fileName: string, pin: ArchivePin) => {
    const path = join(downloads, fileName);
    if (await isFile(path)) {
      // NOTE: a complete archive from an earlier run is reused only if it still matches.
      try {
        await checkPin(path, fileName, pin);
        return path;
      } catch {
        await Deno.remove(path);
      }
    }
    await downloadFile(url, path, {
      timeoutMs,
      signal: opts.signal,
      onProgress: (done, total) => progress(fileName, "download", done, total),
    });
    try {
      await checkPin(path, fileName, pin);
    } catch (error) {
      await Deno.remove(path);
      throw error;
    }
    return path;
  };
  return { staging, download, progress, timeoutMs, signal: opts.signal };
}

/**
 * Leaves the pinned files in `destDir`, taken from the first source that provides all of them
 * with the right digests. Throws FetchError when every source fails; rethrows an abort.
 */
export async function fetchDataset(
  label: string,
  pins: readonly FilePin[],
  destDir: string,
  sources: readonly Source[],
  opts: FetchOptions = {},
): Promise<FetchResult> {
  await Deno.mkdir(destDir, { recursive: true });
  if (await allPresent(destDir, pins)) {
    try {
      await verifyFiles(destDir, pins);
      return { source: "existing", files: resultFiles(destDir, pins), failures: [] };
    } catch {
      // Stale or corrupted files: fetch again and overwrite them.
    }
  }
  const downloads = join(destDir, DOWNLOADS);
  await Deno.mkdir(downloads, { recursive: true });
  const failures: SourceFailure[] = [];
  for (const source of sources) {
    opts.signal?.throwIfAborted();
    const staging = await Deno.makeTempDir({ dir: destDir, prefix: ".staging-" });
    try {
      const ctx = contextFor(source.name, staging, downloads, opts);
      await source.provide(ctx);
      await verifyFiles(
        staging,
        pins,
        (file, done, total) => ctx.progress(file, "verify", done, total),
      );
      for (const pin of pins) {
        await Deno.mkdir(dirname(join(destDir, pin.name)), { recursive: true });
        await Deno.rename(join(staging, pin.name), join(destDir, pin.name));
      }
      await Deno.remove(downloads, { recursive: true });
      return { source: source.name, files: resultFiles(destDir, pins), failures };
    } catch (error) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? error;
      failures.push({
        source: source.name,
        error: error instanceof Error ? error : new Error(String(error)),
      });
    } finally {
      await Deno.remove(staging, { recursive: true }).catch(() => {});
    }
  }
  const lines = failures.map((f) => `- ${f.source}: ${f.error.message}`);
  throw new FetchError(
    `Expected one source of ${label} to provide verified files but found ${failures.length} ` +
      `failures:\n${lines.join("\n")}`,
    failures,
  );
}
