/** Loopback HTTP server for the fetch tests: serves byte files with Range support and faults. */

/** How a path is served. */
export type Route =
  /** `rangeFrom`: answers a Range request with 206 from this byte instead of the one asked for. */
  | { kind: "file"; bytes: Uint8Array; ignoreRange?: boolean; rangeFrom?: number }
  /** Sends the first `cut` bytes then drops the connection (first request only). */
  | { kind: "interrupt"; bytes: Uint8Array; cut: number }
  /** Never answers. */
  | { kind: "hang" }
  /** Sends headers and `cut` bytes, then stalls. */
  | { kind: "stall"; bytes: Uint8Array; cut: number }
  | { kind: "status"; status: number };

/** A running test server; `requests` logs each path with its Range header. */
export interface TestServer {
  url: string;
  requests: { path: string; range: string | null }[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 with an OS-chosen port. */
export function startServer(routes: Record<string, Route>): TestServer {
  const requests: TestServer["requests"] = [];
  const release = Promise.withResolvers<void>();
  const interrupted = new Set<string>();
  const handler = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    const range = request.headers.get("range");
    requests.push({ path, range });
    const route = routes[path];
    if (!route) return new Response("missing", { status: 404 });
    if (route.kind === "status") return new Response("no", { status: route.status });
    if (route.kind === "hang") {
      await release.promise;
      return new Response("late");
    }
    const bytes = route.bytes;
    if ((route.kind === "interrupt" && !interrupted.has(path)) || route.kind === "stall") {
      interrupted.add(path);
      const head = bytes.slice(0, route.cut);
      const stall = route.kind === "stall";
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(head);
          // Let the bytes reach the client before the connection drops.
          await (stall ? release.promise : new Promise((r) => setTimeout(r, 50)));
          controller.close();
        },
      });
      return new Response(body, { headers: { "content-length": String(bytes.length) } });
    }
    const match = /^bytes=(\d+)-$/.exec(range ?? "");
    if (match && !(route.kind === "file" && route.ignoreRange)) {
      const start = route.kind === "file" && route.rangeFrom !== undefined
        ? route.rangeFrom
        : Number(match[1]);
      if (start >= bytes.length) return new Response(null, { status: 416 });
      return new Response(bytes.slice(start), {
        status: 206,
        headers: { "content-range": `bytes ${start}-${bytes.length - 1}/${bytes.length}` },
      });
    }
    return new Response(bytes.slice());
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    async close() {
      release.resolve();
      await server.shutdown();
    },
  };
}

/** `n` deterministic pseudo-random bytes. */
export function testBytes(n: number, salt = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = salt;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** Hex SHA-256 of bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
