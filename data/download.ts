/**
 * Streaming HTTP download to a file with progress, resume (HTTP Range) and a stall timeout.
 * Bytes go to `<dest>.part` and are renamed to `dest` only once complete. Deno's fetch honours
 * HTTP_PROXY / HTTPS_PROXY / NO_PROXY itself, so no client is configured here.
 */

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  /** Longest wait, in ms, for the response headers and then between two chunks of the body. */
  timeoutMs: number;
  /** Aborts the download; the abort reason is rethrown. */
  signal?: AbortSignal;
  /** Called after each chunk: bytes on disk so far and the total when the server says it. */
  onProgress?: (done: number, total: number | null) => void;
  /** How many times an interrupted attempt that made progress is resumed (default 3). */
  maxResumes?: number;
}

/** A download failed: HTTP error, connection failure, early close or timeout. */
export class DownloadError extends Error {
  /** True when the host did not answer or stalled for longer than the timeout. */
  readonly timedOut: boolean;
  /** True when a new attempt may succeed (interruption, timeout), false for HTTP errors. */
  readonly retryable: boolean;
  constructor(message: string, opts: ErrorOptions & { timedOut?: boolean; retryable?: boolean }) {
    super(message, opts);
    this.name = "DownloadError";
    this.timedOut = opts.timedOut ?? false;
    this.retryable = opts.retryable ?? false;
  }
}

/** An error's message followed by its causes' messages ("fetch failed: dns error: ..."). */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e !== undefined && parts.length < 4; e = (e as Error).cause) {
    parts.push(e instanceof Error ? e.message : String(e));
    if (!(e instanceof Error)) break;
  }
  return parts.join(": ");
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await file.write(bytes.subarray(at));
}

/**
 * Downloads `url` to `dest`. Resumes from an existing `<dest>.part` with a Range request; if the
 * server ignores the range, restarts from byte 0. An attempt interrupted after receiving bytes is
 * resumed up to `maxResumes` times; an attempt that received nothing fails at once so the caller
 * can move on to another source.
 */
export async function downloadFile(
  url: string,
  dest: string,
  opts: DownloadOptions,
): Promise<{ bytes: number; resumed: boolean }> {
  const part = dest + ".part";
  let resumes = 0;
  let resumed = false;
  while (true) {
    const state = { gained: 0, resumed: false };
    try {
      const bytes = await attempt(url, part, await sizeOf(part), opts, state);
      await Deno.rename(part, dest);
      return { bytes, resumed: resumed || state.resumed };
    } catch (error) {
      resumed ||= state.resumed;
      if (opts.signal?.aborted) throw opts.signal.reason ?? error;
      const retry = error instanceof DownloadError && error.retryable && state.gained > 0;
      if (!retry || resumes >= (opts.maxResumes ?? 3)) throw error;
      resumes++;
    }
  }
}

async function attempt(
  url: string,
  part: string,
  offset: number,
  opts: DownloadOptions,
  state: { gained: number; resumed: boolean },
): Promise<number> {
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, opts.timeoutMs);
  };
  const onAbort = () => controller.abort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  let file: Deno.FsFile | undefined;
  try {
    arm();
    const headers = new Headers({ "accept-encoding": "identity" });
    if (offset > 0) headers.set("range", `bytes=${offset}-`);
    const response = await fetch(url, { headers, signal: controller.signal });
    if (response.status === 416 && offset > 0) {
      // NOTE: the part file is not a prefix the server recognises; start over.
      await response.body?.cancel();
      await Deno.remove(part);
      return await attempt(url, part, 0, opts, state);
    }
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      throw new DownloadError(
        `Expected HTTP 200 from "${url}" but found ${response.status} ${response.statusText}`,
        {},
      );
    }
    let start = 0;
    let total: number | null = null;
    const length = response.headers.get("content-length");
    if (response.status === 206) {
      const range = response.headers.get("content-range") ?? "";
      const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(range);
      if (!match || Number(match[1]) !== offset) {
        await response.body?.cancel();
        await Deno.remove(part).catch(() => {});
        throw new DownloadError(
          `Expected Content-Range "bytes ${offset}-..." from "${url}" but found "${range}"`,
          {},
        );
      }
      start = offset;
      state.resumed = true;
      total = match[2] === "*" ? null : Number(match[2]);
    } else if (length !== null) {
      total = Number(length);
    }
    file = await Deno.open(part, { write: true, create: true, truncate: start === 0 });
    if (start > 0) await file.seek(start, Deno.SeekMode.Start);
    let done = start;
    opts.onProgress?.(done, total);
    const reader = response.body!.getReader();
    while (true) {
      arm();
      const { done: finished, value } = await reader.read();
      if (finished) break;
      await writeAll(file, value);
      done += value.length;
      state.gained += value.length;
      opts.onProgress?.(done, total);
    }
    if (total !== null && done !== total) {
      throw new DownloadError(
        `Expected ${total} bytes from "${url}" but found ${done} (connection closed early)`,
        { retryable: true },
      );
    }
    return done;
  } catch (error) {
    if (error instanceof DownloadError || opts.signal?.aborted) throw error;
    if (timedOut) {
      throw new DownloadError(
        `Expected data from "${url}" within ${opts.timeoutMs} ms but found none (timed out)`,
        { cause: error, timedOut: true, retryable: true },
      );
    }
    const message = describe(error);
    throw new DownloadError(`Expected a response from "${url}" but found an error: ${message}`, {
      cause: error,
      retryable: true,
    });
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
    file?.close();
  }
}
