/**
 * Test helper: open a page in headless Chromium and inspect it over the DevTools protocol (a plain
 * WebSocket, no driver library). Collects console errors, exceptions, error log entries and every
 * network request, and the rendered size of each figure.
 */
export const CHROMIUM = "/usr/bin/chromium";

/** What the page showed. */
export interface PageReport {
  errors: string[];
  requests: string[];
  figures: { id: string; tag: string; width: number; height: number; loaded: boolean }[];
}

const FIGURES_JS = `JSON.stringify([...document.querySelectorAll("figure")].map((f) => {
  const e = f.querySelector("img, svg");
  const r = e ? e.getBoundingClientRect() : { width: 0, height: 0 };
  const loaded = !!e && (e.tagName !== "IMG" || (e.complete && e.naturalWidth > 0));
  return { id: f.id, tag: e ? e.tagName : "", width: r.width, height: r.height, loaded };
}))`;

async function devtoolsPort(stderr: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`Expected "DevTools listening on" from Chromium but found: ${text}`);
    text += value;
    const m = text.match(/DevTools listening on ws:\/\/[^:]+:(\d+)\//);
    if (m) {
      reader.releaseLock();
      stderr.pipeTo(new WritableStream()).catch(() => {}); // keep draining
      return Number(m[1]);
    }
  }
}

/** Load `url` in a fresh headless Chromium and report what happened (timeout in ms). */
export async function inspectPage(url: string, timeoutMs = 20000): Promise<PageReport> {
  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  const child = new Deno.Command(CHROMIUM, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      "about:blank",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  let ws: WebSocket | undefined;
  try {
    const port = await devtoolsPort(child.stderr);
    const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
    const page = targets.find((t: { type: string }) => t.type === "page");
    ws = new WebSocket(page.webSocketDebuggerUrl);
    await new Promise((ok, fail) => {
      ws!.onopen = ok;
      ws!.onerror = fail;
    });
    const report: PageReport = { errors: [], requests: [], figures: [] };
    const pending = new Map<number, (r: Record<string, unknown>) => void>();
    let loaded: () => void = () => {};
    const loadFired = new Promise<void>((ok) => (loaded = ok));
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      if (msg.id !== undefined) {
        if (msg.error) report.errors.push(`CDP error: ${JSON.stringify(msg.error)}`);
        pending.get(msg.id)?.(msg.result ?? {});
      } else if (msg.method === "Page.loadEventFired") loaded();
      else if (msg.method === "Runtime.exceptionThrown") {
        report.errors.push(`exception: ${JSON.stringify(msg.params.exceptionDetails)}`);
      } else if (
        msg.method === "Runtime.consoleAPICalled" && /error|assert/.test(msg.params.type)
      ) {
        report.errors.push(`console.${msg.params.type}: ${JSON.stringify(msg.params.args)}`);
      } else if (msg.method === "Log.entryAdded" && msg.params.entry.level === "error") {
        report.errors.push(`log: ${msg.params.entry.text}`);
      } else if (msg.method === "Network.requestWillBeSent") {
        report.requests.push(msg.params.request.url);
      }
    };
    let next = 0;
    const send = (method: string, params: Record<string, unknown> = {}) =>
      new Promise<Record<string, unknown>>((ok) => {
        const id = ++next;
        pending.set(id, ok);
        ws!.send(JSON.stringify({ id, method, params }));
      });
    for (const domain of ["Page", "Runtime", "Log", "Network"]) await send(`${domain}.enable`);
    await send("Page.navigate", { url });
    await loadFired;
    const r = await send("Runtime.evaluate", { expression: FIGURES_JS, returnByValue: true });
    report.figures = JSON.parse((r.result as { value: string }).value);
    return report;
  } finally {
    clearTimeout(timer);
    ws?.close();
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}
