/**
 * `dag` and `show`: look at a planned DAG without running it. `dag` draws the selected stages and
 * their edges as text, Graphviz DOT or Mermaid, one node per stage or, with `group`, one node per
 * declaring module (as Snakemake's rule graph collapses jobs into rules); `show` prints what one
 * stage will run with: its params after the preset and `--set`, inputs, code, resources and cache
 * entry (with `--builds`, also its earlier builds: builds.ts).
 *
 * @example
 * ```sh
 * deno run -A pipeline/main.ts dag figure3 --group
 * deno run -A pipeline/main.ts dag --format dot | dot -Tsvg > dag.svg
 * deno run -A pipeline/main.ts show fig3-sigma1-seed0 --set 'fig3-*.epochs=8'
 * ```
 * @module
 */
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildRow } from "./builds.ts";
import { changedParams } from "./explain.ts";
import type { Json } from "./hash.ts";
import { type PlannedStage, resolveNames } from "./plan.ts";
import { formatDuration } from "./progress.ts";
import type { PipelineDef, Resources } from "./stage.ts";

/** How `dag` prints. */
export type DagFormat = "text" | "dot" | "mermaid";
export const DAG_FORMATS: readonly DagFormat[] = ["text", "dot", "mermaid"];

/** A node of the drawn graph: one stage, or the stages one module declares. */
export interface DagNode {
  id: string;
  /** Stage ids behind the node, in plan order. */
  stages: string[];
  /** How many of them run (the others are cached). */
  toRun: number;
  description: string;
}

/**
 * The drawn graph. Nodes in plan order: a stage after its inputs; a group where its first stage
 * comes, so a module whose stages sit both before and after another module's draws as a cycle.
 * Edges sorted by target, then source.
 */
export interface DagGraph {
  nodes: DagNode[];
  edges: { from: string; to: string }[];
}

/**
 * The selected stages as a graph. With `group`, stages declared by one module become one node
 * named by the module's path relative to `root`; an edge joins two nodes when a stage of one is
 * an input of a stage of the other (edges inside a group are dropped).
 */
export function dagGraph(planned: PlannedStage[], root: string, group = false): DagGraph {
  const selected = planned.filter((p) => p.selected);
  const nodeOf = (p: PlannedStage) => group ? modulePath(p.stage.module, root) : p.stage.id;
  const byId = new Map(selected.map((p) => [p.stage.id, p]));
  const nodes = new Map<string, DagNode>();
  const edges = new Map<string, { from: string; to: string }>();
  for (const p of selected) {
    const id = nodeOf(p);
    const node = nodes.get(id) ??
      { id, stages: [], toRun: 0, description: group ? "" : p.stage.description };
    node.stages.push(p.stage.id);
    if (p.status === "run") node.toRun++;
    nodes.set(id, node);
    for (const inputId of Object.values(p.inputIds)) {
      const from = nodeOf(byId.get(inputId)!);
      if (from !== id) edges.set(`${from}\n${id}`, { from, to: id });
    }
  }
  const rank = new Map([...nodes.keys()].map((id, i) => [id, i]));
  const sorted = [...edges.values()].sort((a, b) =>
    rank.get(a.to)! - rank.get(b.to)! || rank.get(a.from)! - rank.get(b.from)!
  );
  return { nodes: [...nodes.values()], edges: sorted };
}

/** A module's file: URL (as `defineStage` requires) as a path relative to the repository root. */
function modulePath(module: string, root: string): string {
  return relative(root, fileURLToPath(module));
}

/** "cached", "run", or for a group "3 run, 12 cached". */
function statusOf(n: DagNode): string {
  if (n.stages.length === 1) return n.toRun > 0 ? "run" : "cached";
  const cached = n.stages.length - n.toRun;
  if (n.toRun === 0) return `${cached} cached`;
  return cached === 0 ? `${n.toRun} run` : `${n.toRun} run, ${cached} cached`;
}

/** A node's label: the stage id, or the module with its stage count and first and last ids. */
function labelOf(n: DagNode): string {
  if (n.stages.length === 1 && n.stages[0] === n.id) return n.id;
  const ids = n.stages.length <= 2 ? n.stages.join(", ") : `${n.stages[0]} … ${n.stages.at(-1)}`;
  return `${n.id} (${n.stages.length} stage${n.stages.length === 1 ? "" : "s"}: ${ids})`;
}

/** Render the graph in `format`; `header` is the first line of the text form. */
export function renderDag(g: DagGraph, format: DagFormat, header: string): string {
  switch (format) {
    case "text":
      return renderText(g, header);
    case "dot":
      return renderDot(g, header);
    case "mermaid":
      return renderMermaid(g, header);
  }
}

/** Lines of the text form are wrapped to this many columns where they list inputs. */
const TEXT_WIDTH = 100;

function renderText(g: DagGraph, header: string): string {
  const inputs = new Map<string, string[]>();
  for (const e of g.edges) inputs.set(e.to, [...(inputs.get(e.to) ?? []), e.from]);
  const statuses = g.nodes.map(statusOf);
  const width = Math.max(...statuses.map((s) => s.length), 6);
  const indent = " ".repeat(width + 6);
  const lines = [header];
  g.nodes.forEach((n, i) => {
    lines.push(`  ${statuses[i].padEnd(width)}  ${labelOf(n)}`);
    const from = inputs.get(n.id);
    if (!from) return;
    let line = `${indent}<-`;
    from.forEach((id, k) => {
      const item = ` ${id}${k + 1 < from.length ? "," : ""}`;
      if (k > 0 && line.length + item.length > TEXT_WIDTH) {
        lines.push(line);
        line = `${indent}  `;
      }
      line += item;
    });
    lines.push(line);
  });
  return lines.join("\n");
}

const dotString = (s: string) =>
  `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`;

function renderDot(g: DagGraph, header: string): string {
  const lines = [
    `// ${header}`,
    "// dashed: cached; bold red: runs on the next `run`",
    "digraph pipeline {",
    "  rankdir=LR;",
    '  node [shape=box, style="rounded", fontname="DejaVu Sans", fontsize=10];',
  ];
  for (const n of g.nodes) {
    const style = n.toRun > 0
      ? 'style="rounded,bold", color="#d62728"'
      : 'style="rounded,dashed", color="#555555"';
    const tip = n.description ? `, tooltip=${dotString(n.description)}` : "";
    lines.push(
      `  ${dotString(n.id)} [label=${dotString(`${labelOf(n)}\n${statusOf(n)}`)}, ${style}${tip}];`,
    );
  }
  for (const e of g.edges) lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)};`);
  lines.push("}");
  return lines.join("\n");
}

/** Mermaid entity codes for what would end a label or read as HTML or as an entity. */
const mermaidText = (s: string) =>
  s.replaceAll("#", "#35;").replaceAll('"', "#quot;").replaceAll("<", "#lt;").replaceAll(
    ">",
    "#gt;",
  );

function renderMermaid(g: DagGraph, header: string): string {
  const name = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = [`%% ${header}`, "flowchart LR"];
  for (const n of g.nodes) {
    lines.push(`  ${name.get(n.id)}["${mermaidText(labelOf(n))}<br/>${statusOf(n)}"]`);
  }
  for (const e of g.edges) lines.push(`  ${name.get(e.from)} --> ${name.get(e.to)}`);
  lines.push("  classDef run stroke:#d62728,stroke-width:3px;");
  lines.push("  classDef cached stroke:#555555,stroke-dasharray:4 3;");
  for (const cls of ["run", "cached"]) {
    const ids = g.nodes.filter((n) => (n.toRun > 0) === (cls === "run")).map((n) => name.get(n.id));
    if (ids.length > 0) lines.push(`  class ${ids.join(",")} ${cls};`);
  }
  return lines.join("\n");
}

/** The stages `names` pick (see `resolveNames`), in plan order, without their ancestors; all if none. */
export function pickStages(
  planned: PlannedStage[],
  def: PipelineDef,
  names: string[],
): PlannedStage[] {
  if (names.length === 0) return planned;
  const wanted = new Set(resolveNames(def, planned.map((p) => p.stage.id), names));
  return planned.filter((p) => wanted.has(p.stage.id));
}

/** What `show --json` prints for one stage. */
export interface StageReport {
  id: string;
  description: string;
  key: string;
  status: "cached" | "run";
  reason: string;
  module: string;
  code: { files: string[]; externals: string[] };
  inputs: Record<string, string>;
  resources: Resources;
  /** Where the stage's published outputs are, under `--out`. */
  publish: string[];
  params: Json;
  /** Params `--set` changed, with the preset's value (the description was written for it). */
  overridden: { param: string; preset: Json; value: Json }[];
  /** The cache entry when the stage is cached. */
  entry: {
    dir: string;
    builtAt: string;
    /** How long the build ran (ms), with `threads`; absent where it went on from checkpoints. */
    ranMs?: number;
    threads?: number;
    files: { path: string; size: number }[];
  } | null;
  /** With `--builds`: the builds the cache index records, newest first. */
  builds?: BuildRow[];
}

/**
 * The facts `show` prints. `preset` holds the stage's params before `--set`; `entryDir` is where
 * its cache entry is (or would be); `out` is the folder it publishes into.
 */
export function stageReport(
  p: PlannedStage,
  root: string,
  preset: Readonly<Record<string, Json>>,
  entryDir: string,
  out: string,
): StageReport {
  const params = p.stage.params as Record<string, Json>;
  const changed = new Set(changedParams(preset, params));
  const overridden = Object.keys(params)
    .filter((k) => changed.has(k))
    .map((k) => ({ param: k, preset: preset[k] ?? null, value: params[k] }));
  const manifest = p.manifest;
  const ranMs = manifest ? Date.parse(manifest.endedAt) - Date.parse(manifest.startedAt) : NaN;
  return {
    id: p.stage.id,
    description: p.stage.description,
    key: p.key,
    status: p.status,
    reason: p.status === "run" ? p.reason : "up to date",
    module: modulePath(p.stage.module, root),
    code: {
      files: Object.keys(p.material.code.files).sort(),
      externals: [...p.material.code.externals].sort(),
    },
    inputs: { ...p.inputIds },
    resources: { ...p.stage.resources },
    publish: p.stage.publish.map((path) => join(out, path)),
    params: p.stage.params,
    overridden,
    entry: manifest
      ? {
        dir: entryDir,
        builtAt: manifest.endedAt,
        ...(ranMs >= 0 && !manifest.resumed ? { ranMs } : {}),
        ...(manifest.threads !== undefined ? { threads: manifest.threads } : {}),
        files: manifest.files.map((f) => ({ path: f.path, size: f.size })),
      }
      : null,
  };
}

/** "6m17s on 1 thread" (what is known of it), "" when the build went on from checkpoints. */
function ranOn(entry: { ranMs?: number; threads?: number }): string {
  if (entry.ranMs === undefined) return "";
  const on = entry.threads === undefined
    ? ""
    : ` on ${entry.threads} thread${entry.threads === 1 ? "" : "s"}`;
  return `${formatDuration(entry.ranMs)}${on}`;
}

/** Values longer than this are cut in the text form (`--json` prints them whole). */
const VALUE_WIDTH = 90;

function formatValue(v: Json, width = VALUE_WIDTH): string {
  const text = JSON.stringify(v);
  if (text.length <= width) return text;
  const size = Array.isArray(v)
    ? `${v.length} items`
    : v !== null && typeof v === "object"
    ? `${Object.keys(v).length} keys`
    : `${text.length} characters`;
  return `${text.slice(0, width - 1)}… (${size}; --json prints it whole)`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 2 ** 20) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 2 ** 20).toFixed(1)} MiB`;
}

/** The text form of `show` for one stage. */
export function renderStage(r: StageReport): string {
  const lines = [r.id];
  for (const line of r.description ? r.description.split("\n") : []) lines.push(`  ${line}`);
  if (r.overridden.length > 0) {
    const what = r.overridden.map((o) =>
      `${o.param} ${formatValue(o.preset, 30)} -> ${formatValue(o.value, 30)}`
    );
    lines.push(`  (the line above describes the preset; --set changed ${what.join(", ")})`);
  }
  const row = (name: string, value: string) => lines.push(`  ${name.padEnd(10)} ${value}`);
  row("status", r.status === "cached" ? "cached" : `run (${r.reason})`);
  row("key", r.key);
  const ext = r.code.externals.length > 0 ? `; packages: ${r.code.externals.join(", ")}` : "";
  row("code", `${r.module} and the ${r.code.files.length} repository files it imports${ext}`);
  const inputs = Object.entries(r.inputs).map(([name, id]) => name === id ? id : `${name}: ${id}`);
  row("inputs", inputs.length > 0 ? inputs.join(", ") : "none");
  const res = r.resources;
  row(
    "resources",
    `${res.device}, ${res.threads} thread${res.threads === 1 ? "" : "s"}, ${res.memoryMiB} MiB`,
  );
  if (r.publish.length > 0) row("publishes", r.publish.join(", "));
  const params = Object.entries(r.params as Record<string, Json>);
  row("params", params.length > 0 ? `(set with --set ${r.id}.NAME=VALUE)` : "none");
  const width = Math.max(0, ...params.map(([k]) => k.length));
  for (const [k, v] of params) lines.push(`    ${k.padEnd(width)} = ${formatValue(v)}`);
  if (r.entry) {
    const total = r.entry.files.reduce((s, f) => s + f.size, 0);
    row(
      "entry",
      `${r.entry.dir} (built ${r.entry.builtAt}${
        r.entry.ranMs === undefined ? "" : ` in ${ranOn(r.entry)}`
      }; ${r.entry.files.length} file${r.entry.files.length === 1 ? "" : "s"}, ${
        formatBytes(total)
      })`,
    );
    const shown = r.entry.files.slice(0, 12);
    for (const f of shown) lines.push(`    ${f.path} (${formatBytes(f.size)})`);
    if (r.entry.files.length > shown.length) {
      lines.push(`    … ${r.entry.files.length - shown.length} more`);
    }
  }
  if (r.builds !== undefined) lines.push(...renderBuilds(r.builds));
  return lines.join("\n");
}

/** The `--builds` rows of `show`'s text form: a line per build under a heading. */
export function renderBuilds(rows: readonly BuildRow[]): string[] {
  if (rows.length === 0) return ["  builds     none recorded"];
  const lines = [`  builds     ${rows.length} recorded, newest first`];
  for (const r of rows) {
    const when = r.builtAt.slice(0, 16).replace("T", " ");
    const ran = r.ranMs === undefined ? "" : `; ran ${ranOn(r)}`;
    const what = r.differences.length > 0 ? `; differs: ${r.differences.join("; ")}` : "";
    const state = r.state === "this"
      ? "this entry"
      : r.state === "cached"
      ? "in the cache"
      : `${r.own ? "this key, " : ""}not in the cache`;
    const same = r.sameBuildAs === undefined
      ? ""
      : ` (the same build as ${r.sameBuildAs.slice(0, 12)}, under another key)`;
    lines.push(`    ${when}  ${r.key.slice(0, 12)}  ${state}${same}${ran}${what}`);
  }
  return lines;
}
