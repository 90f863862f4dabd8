import assert from "node:assert/strict";
import type { EntryManifest } from "./cache.ts";
import { UsageError } from "./errors.ts";
import type { Json } from "./hash.ts";
import {
  dagGraph,
  pickStages,
  renderDag,
  renderStage,
  type StageReport,
  stageReport,
} from "./inspect.ts";
import { type PlannedStage, selectStages } from "./plan.ts";
import type { PipelineDef, Stage } from "./stage.ts";

const ROOT = "/repo";

/** A planned stage as planRun would return it, with only what inspect.ts reads filled in. */
function planned(
  id: string,
  opts: {
    module?: string;
    inputs?: Record<string, string>;
    status?: "cached" | "run";
    selected?: boolean;
    params?: Record<string, Json>;
    description?: string;
    publish?: string[];
  } = {},
): PlannedStage {
  const stage: Stage = {
    id,
    module: `file://${ROOT}/${opts.module ?? `${id}.ts`}`,
    params: opts.params ?? {},
    inputs: opts.inputs ?? {},
    resources: { device: "cpu", threads: 1, memoryMiB: 64 },
    publish: opts.publish ?? [],
    description: opts.description ?? `does ${id}`,
    run: () => Promise.resolve(),
  };
  const status = opts.status ?? "cached";
  return {
    stage,
    key: `key-${id}`,
    legacyKey: `legacy-${id}`,
    material: {
      format: 2,
      id,
      params: stage.params,
      code: { files: { [`${id}.ts`]: "h", "lib.ts": "h" }, externals: ["npm:x@1.0.0"] },
      inputs: {},
    },
    inputIds: { ...(opts.inputs ?? {}) },
    selected: opts.selected ?? true,
    status,
    manifest: null,
    reason: status === "run" ? "new stage (never built)" : "up to date",
    cause: { id, reason: "" },
  };
}

// fetch ─► train-a ─┐
//       └► train-b ─┴► plot        (train-a and train-b declared by one module)
const DAG = [
  planned("fetch"),
  planned("train-a", { module: "runs.ts", inputs: { data: "fetch" }, status: "run" }),
  planned("train-b", { module: "runs.ts", inputs: { data: "fetch" } }),
  planned("plot", { inputs: { a: "train-a", b: "train-b" }, status: "run" }),
];

Deno.test("dagGraph() keeps plan order, one edge per input, and counts stages to run", () => {
  const g = dagGraph(DAG, ROOT);
  assert.deepEqual(g.nodes.map((n) => [n.id, n.stages, n.toRun]), [
    ["fetch", ["fetch"], 0],
    ["train-a", ["train-a"], 1],
    ["train-b", ["train-b"], 0],
    ["plot", ["plot"], 1],
  ]);
  assert.deepEqual(g.edges, [
    { from: "fetch", to: "train-a" },
    { from: "fetch", to: "train-b" },
    { from: "train-a", to: "plot" },
    { from: "train-b", to: "plot" },
  ]);
});

Deno.test("dagGraph() with group merges stages of one module and their parallel edges", () => {
  const g = dagGraph(DAG, ROOT, true);
  assert.deepEqual(g.nodes.map((n) => [n.id, n.stages, n.toRun, n.description]), [
    ["fetch.ts", ["fetch"], 0, ""],
    ["runs.ts", ["train-a", "train-b"], 1, ""],
    ["plot.ts", ["plot"], 1, ""],
  ]);
  assert.deepEqual(g.edges, [{ from: "fetch.ts", to: "runs.ts" }, {
    from: "runs.ts",
    to: "plot.ts",
  }]);
});

Deno.test("dagGraph() with group drops edges between stages of one module", () => {
  const chain = [
    planned("a1", { module: "m.ts" }),
    planned("a2", { module: "m.ts", inputs: { up: "a1" } }),
    planned("b", { inputs: { up: "a2" } }),
  ];
  assert.deepEqual(dagGraph(chain, ROOT, true).edges, [{ from: "m.ts", to: "b.ts" }]);
});

Deno.test("dagGraph() draws only selected stages", () => {
  const dag = DAG.map((p) => ({ ...p, selected: p.stage.id !== "plot" }));
  assert.deepEqual(dagGraph(dag, ROOT).nodes.map((n) => n.id), ["fetch", "train-a", "train-b"]);
});

Deno.test("renderDag() text lists each node with its status and inputs", () => {
  assert.equal(
    renderDag(dagGraph(DAG, ROOT, true), "text", "DAG: 4 stages"),
    [
      "DAG: 4 stages",
      "  cached           fetch.ts (1 stage: fetch)",
      "  1 run, 1 cached  runs.ts (2 stages: train-a, train-b)",
      "                     <- fetch.ts",
      "  run              plot.ts (1 stage: plot)",
      "                     <- runs.ts",
    ].join("\n"),
  );
  const many = [planned("a", { module: "m.ts" }), planned("b", { module: "m.ts" })];
  many.push(planned("c", { module: "m.ts" }));
  assert.match(
    renderDag(dagGraph(many, ROOT, true), "text", "h"),
    /3 cached {2}m\.ts \(3 stages: a … c\)/,
  );
});

Deno.test("renderDag() text wraps long input lists at 100 columns and keeps every input", () => {
  const runs = Array.from({ length: 30 }, (_, i) => planned(`a-long-run-name-${i}`));
  const inputs = Object.fromEntries(runs.map((p, i) => [`r${i}`, p.stage.id]));
  const lines = renderDag(dagGraph([...runs, planned("plot", { inputs })], ROOT), "text", "h")
    .split("\n");
  const from = lines.slice(lines.indexOf("  cached  plot") + 1);
  assert.ok(from.length > 5);
  assert.ok(from.every((l) => l.length <= 100), from.join("\n"));
  assert.match(from[0], /^ {12}<- a-long-run-name-0, a-long-run-name-1,/);
  assert.match(from[1], /^ {15}a-long-run-name-4,/, "continuations align with the first input");
  const listed = from.join(" ").replace("<-", "").split(",").map((x) => x.trim());
  assert.deepEqual(listed, runs.map((p) => p.stage.id));
});

Deno.test("renderDag() text keeps an input id wider than the line on the '<-' line", () => {
  const long = planned(`a-${"very-".repeat(25)}long-run-name`);
  const lines = renderDag(
    dagGraph([long, planned("plot", { inputs: { r: long.stage.id } })], ROOT),
    "text",
    "h",
  ).split("\n");
  const from = lines.slice(lines.indexOf("  cached  plot") + 1);
  assert.deepEqual(from, [`${" ".repeat(12)}<- ${long.stage.id}`], "no lone '<-' line before it");
});

Deno.test("renderDag() counts a group whose stages all run as 'N run'", () => {
  const dag = DAG.map((p) => ({ ...p, status: "run" as const }));
  assert.match(renderDag(dagGraph(dag, ROOT, true), "text", "h"), /\n {2}2 run {3}runs\.ts \(/);
});

Deno.test("renderDag() mermaid writes #, <, > and quotes as entity codes", () => {
  const text = renderDag(dagGraph([planned('a#b<c>"d')], ROOT), "mermaid", "h");
  assert.match(text, /\n {2}n0\["a#35;b#lt;c#gt;#quot;d<br\/>cached"\]\n/);
});

Deno.test("renderDag() dot escapes quotes, backslashes and newlines and styles by status", () => {
  const odd = planned("odd", { description: 'say "hi" \\ bye', status: "run" });
  const dot = renderDag(dagGraph([planned("fetch"), odd], ROOT), "dot", "h");
  assert.match(dot, /^\/\/ h\n\/\/ dashed: cached; bold red: runs .*\ndigraph pipeline \{\n/);
  assert.match(
    dot,
    /"odd" \[label="odd\\nrun", style="rounded,bold", color="#d62728", tooltip="say \\"hi\\" \\\\ bye"\];/,
  );
  assert.match(dot, /"fetch" \[label="fetch\\ncached", style="rounded,dashed"/);
  assert.ok(dot.endsWith("}"));
});

Deno.test("renderDag() mermaid names nodes n0.. and classes them by status", () => {
  const quoted = planned("q", { module: 'we"ird.ts', inputs: { x: "fetch" } });
  const text = renderDag(
    dagGraph([planned("fetch", { status: "run" }), quoted], ROOT, true),
    "mermaid",
    "h",
  );
  assert.equal(
    text,
    [
      "%% h",
      "flowchart LR",
      '  n0["fetch.ts (1 stage: fetch)<br/>run"]',
      '  n1["we#quot;ird.ts (1 stage: q)<br/>cached"]',
      "  n0 --> n1",
      "  classDef run stroke:#d62728,stroke-width:3px;",
      "  classDef cached stroke:#555555,stroke-dasharray:4 3;",
      "  class n0 run;",
      "  class n1 cached;",
    ].join("\n"),
  );
});

const DEF: PipelineDef = { stages: DAG.map((p) => p.stage), targets: { training: ["train-b"] } };

Deno.test("pickStages() takes ids, targets and * patterns, without ancestors, in plan order", () => {
  const ids = (names: string[]) => pickStages(DAG, DEF, names).map((p) => p.stage.id);
  assert.deepEqual(ids(["plot"]), ["plot"]);
  assert.deepEqual(ids(["training"]), ["train-b"]);
  assert.deepEqual(ids(["plot", "train-*"]), ["train-a", "train-b", "plot"]);
  assert.deepEqual(ids([]), ["fetch", "train-a", "train-b", "plot"]);
  const unknown = (name: string, suggestion = "") =>
    assert.throws(
      () => ids([name]),
      (e) =>
        e instanceof UsageError &&
        e.message ===
          "Expected a stage id, a pattern of stage ids with * or a target (training) but found " +
            `"${name}"${suggestion}`,
    );
  unknown("trian-*");
  unknown("train-.", ' (did you mean "train-a" or "train-b"?)'); // a dot is not a wildcard
  unknown("constructor"); // not an inherited property of the targets object
});

Deno.test("pickStages() reads a name that is a stage id and a target as the stage, as run does", () => {
  const def: PipelineDef = { ...DEF, targets: { plot: ["fetch"] } };
  assert.deepEqual(pickStages(DAG, def, ["plot"]).map((p) => p.stage.id), ["plot"]);
  const selected = selectStages(def, DAG.map((p) => p.stage), ["plot"]);
  assert.ok(selected.has("plot") && selected.has("train-a"));
});

function report(
  params: Record<string, Json>,
  preset: Record<string, Json>,
  cached = true,
  extra: Partial<EntryManifest> = { startedAt: "2026-11-29T09:53:43.000Z", threads: 1 },
) {
  const p = planned("train-a", {
    module: "runs.ts",
    inputs: { data: "fetch" },
    params,
    status: cached ? "cached" : "run",
  });
  const manifest = {
    endedAt: "2026-11-29T10:00:00.000Z",
    files: [{ path: "run.json", size: 1300, sha256: "", mtimeMs: 0 }],
    ...extra,
  } as unknown as EntryManifest;
  return stageReport(
    { ...p, manifest: cached ? manifest : null },
    ROOT,
    preset,
    "out/cache/key-train-a",
    "out",
  );
}

Deno.test("stageReport() names the params --set changed, with the preset's values", () => {
  const r = report({ epochs: 8, lr: 0.1, cases: [1, 2] }, { epochs: 4, lr: 0.1, cases: [1, 2] });
  assert.deepEqual(r.overridden, [{ param: "epochs", preset: 4, value: 8 }]);
  assert.deepEqual(r.code, { files: ["lib.ts", "train-a.ts"], externals: ["npm:x@1.0.0"] });
  assert.equal(r.module, "runs.ts");
  assert.deepEqual(r.entry, {
    dir: "out/cache/key-train-a",
    builtAt: "2026-11-29T10:00:00.000Z",
    ranMs: 377_000,
    threads: 1,
    files: [{ path: "run.json", size: 1300 }],
  });
  assert.deepEqual(report({ a: 1 }, { a: 1 }).overridden, []);
});

Deno.test("renderStage() prints params one per line, cuts long values, lists the entry", () => {
  const long = Array.from({ length: 40 }, (_, i) => i * 1000);
  const text = renderStage(report({ epochs: 8, grid: long }, { epochs: 4, grid: long }));
  const lines = text.split("\n");
  assert.equal(lines[0], "train-a");
  assert.equal(lines[1], "  does train-a");
  assert.equal(lines[2], "  (the line above describes the preset; --set changed epochs 4 -> 8)");
  assert.ok(lines.includes("  status     cached"));
  assert.ok(lines.includes("  inputs     data: fetch"));
  assert.ok(lines.includes("  resources  cpu, 1 thread, 64 MiB"));
  assert.ok(lines.includes("    epochs = 8"));
  const grid = lines.find((l) => l.startsWith("    grid   = "))!;
  assert.match(grid, /^ {4}grid {3}= \[0,1000,2000,.*… \(40 items; --json prints it whole\)$/);
  assert.ok(
    lines.includes(
      "  entry      out/cache/key-train-a (built 2026-11-29T10:00:00.000Z in 6m17s on 1 thread; " +
        "1 file, 1.3 KiB)",
    ),
  );
  assert.ok(lines.includes("    run.json (1.3 KiB)"));
});

Deno.test("renderStage() gives no run time for a build that went on from checkpoints", () => {
  const entry = (extra: Partial<EntryManifest>) =>
    renderStage(report({}, {}, true, extra)).split("\n").find((l) => l.startsWith("  entry"));
  const resumed = entry({ startedAt: "2026-11-29T09:59:00.000Z", threads: 2, resumed: true });
  assert.equal(
    resumed,
    "  entry      out/cache/key-train-a (built 2026-11-29T10:00:00.000Z; 1 file, 1.3 KiB)",
  );
  // an older entry without its threads: the time alone
  assert.match(entry({ startedAt: "2026-11-29T09:59:00.000Z" })!, /built \S+ in 1m00s; 1 file/);
});

Deno.test("renderStage() indents every line of a description", () => {
  const p = planned("m", { description: "first\nsecond" });
  const text = renderStage(stageReport(p, ROOT, {}, "dir", "out"));
  assert.ok(text.startsWith("m\n  first\n  second\n  status "), text);
});

Deno.test("renderStage() gives the published paths under the --out folder", () => {
  const p = planned("m", { publish: ["report.md", "figures/a.png"] });
  const r = stageReport(p, ROOT, {}, "elsewhere/cache/k", "elsewhere");
  assert.deepEqual(r.publish, ["elsewhere/report.md", "elsewhere/figures/a.png"]);
  assert.match(
    renderStage(r),
    /\n {2}publishes {2}elsewhere\/report\.md, elsewhere\/figures\/a\.png\n/,
  );
});

Deno.test("renderStage() of a stage that will run gives the reason and no entry", () => {
  const r: StageReport = report({}, {}, false);
  const text = renderStage(r);
  assert.match(text, /\n {2}status {5}run \(new stage \(never built\)\)\n/);
  assert.match(text, /\n {2}params {5}none$/);
  assert.doesNotMatch(text, /entry/);
});

Deno.test("renderStage() lists 12 entry files, then says how many more, in B up to 1023 bytes", () => {
  const r = report({}, {});
  const sizes = [1023, 1024, ...Array.from({ length: 11 }, () => 1)];
  r.entry!.files = sizes.map((size, i) => ({ path: `f${i}.bin`, size }));
  const lines = renderStage(r).split("\n");
  assert.ok(lines.includes("    f0.bin (1023 B)"));
  assert.ok(lines.includes("    f1.bin (1.0 KiB)"));
  assert.ok(lines.includes("    f11.bin (1 B)"));
  assert.equal(lines.at(-1), "    … 1 more");
});

Deno.test("renderStage() prints a param of exactly 90 characters whole and cuts one of 91", () => {
  const whole = "x".repeat(88); // JSON adds the two quotes: 90 characters
  const cut = "y".repeat(89);
  const text = renderStage(report({ whole, cut }, { whole, cut }));
  assert.ok(text.includes(`= "${whole}"\n`), text);
  assert.ok(text.includes(`= "${cut.slice(0, 88)}… (91 characters; --json prints it whole)`), text);
});
