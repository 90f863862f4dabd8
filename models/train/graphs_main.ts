/**
 * Writes every pipeline graph as `<file>.onnx` plus `<file>.json` (inputs, outputs, dtypes,
 * shapes, what it is, SHA-256 of the ONNX bytes) into `--out DIR`.
 *
 *     deno run -A models/train/graphs_main.ts --out /tmp/graphs
 */
import { parseArgs } from "node:util";
import { IR_VERSION, OPSET, serializeModel, type ValueInfo } from "../onnx/mod.ts";
import { pipelineGraphs } from "./graph_catalog.ts";

const USAGE = "Usage: deno task graphs --out DIR   (or: deno run -A models/train/graphs_main.ts)";

/** `--out DIR` (required) or `--help`; throws a RangeError naming the bad flag or value. */
export function parseGraphsArgs(
  args: readonly string[],
): { help: true } | { help: false; out: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { out: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (cause) {
    throw new RangeError((cause as Error).message, { cause });
  }
  const { out, help } = parsed.values;
  if (help) return { help: true };
  if (!out) throw new RangeError(`Expected "--out DIR" (the folder to write the graphs into)`);
  return { out, help: false };
}

const io = (vs: readonly ValueInfo[]) =>
  vs.map((v) => ({ dtype: v.dtype, name: v.name, shape: [...v.shape] }));

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Builds and writes all graphs; returns the file stems written. */
export async function writeGraphs(dir: string): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const entry of pipelineGraphs()) {
    const graph = entry.build();
    const bytes = serializeModel(graph);
    const sidecar = {
      about: entry.about,
      graph: graph.name,
      inputs: io(graph.inputs),
      irVersion: IR_VERSION,
      nodes: graph.nodes.length,
      opset: OPSET,
      outputs: io(graph.outputs),
      sha256: await sha256(bytes),
    };
    for (
      const [path, data] of [
        [`${dir}/${entry.file}.onnx`, bytes],
        [
          `${dir}/${entry.file}.json`,
          new TextEncoder().encode(JSON.stringify(sidecar, null, 2) + "\n"),
        ],
      ] as const
    ) {
      await Deno.writeFile(`${path}.tmp`, data);
      await Deno.rename(`${path}.tmp`, path);
    }
    written.push(entry.file);
  }
  return written;
}

if (import.meta.main) {
  let opts;
  try {
    opts = parseGraphsArgs(Deno.args);
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    Deno.exit(2);
  }
  if (opts.help) {
    console.log(USAGE);
    Deno.exit(0);
  }
  const files = await writeGraphs(opts.out);
  console.log(`Wrote ${files.length} graphs (.onnx + .json) to ${opts.out}`);
}
