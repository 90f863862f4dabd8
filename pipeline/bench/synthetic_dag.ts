// Writes a synthetic DAG module of N trivial stages (each with up to three inputs among earlier
// stages, chosen by a fixed LCG) and an equivalent Makefile, for benchmarks.
import { join } from "node:path";

export async function writeSyntheticDag(
  dir: string,
  n: number,
  stageModule: string,
): Promise<void> {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const inputs: number[][] = [];
  for (let i = 0; i < n; i++) {
    const deps = new Set<number>();
    for (let k = 0; k < 3 && i > 0; k++) if (next() < 0.7) deps.add(Math.floor(next() * i));
    inputs.push([...deps].sort((a, b) => a - b));
  }
  await Deno.writeTextFile(join(dir, "edges.json"), JSON.stringify(inputs));
  await Deno.writeTextFile(join(dir, "deno.json"), "{}\n");
  await Deno.writeTextFile(
    join(dir, "dag.ts"),
    `import type { Stage } from ${JSON.stringify(stageModule)};
import edges from "./edges.json" with { type: "json" };
export const scales = ["default"];
export const defaultScale = "default";
export const eps = ["cpu"];
export function pipeline() {
  const stages: Stage[] = (edges as number[][]).map((deps, i) => ({
    id: \`s\${i}\`,
    module: import.meta.url,
    params: { i },
    inputs: Object.fromEntries(deps.map((d) => [\`in\${d}\`, \`s\${d}\`])),
    resources: { device: "cpu", threads: 1, memoryMiB: 16 },
    publish: [],
    description: "",
    run: async (ctx) => Deno.writeTextFile(\`\${ctx.outDir}/x.txt\`, String(ctx.params.i)),
  }));
  return { stages, targets: {} };
}
`,
  );
  const rules = inputs.map((deps, i) =>
    `s${i}.stamp:${deps.map((d) => ` s${d}.stamp`).join("")}\n\techo ${i} > $@\n`
  );
  await Deno.writeTextFile(
    join(dir, "Makefile"),
    `all:${inputs.map((_, i) => ` s${i}.stamp`).join("")}\n\n${rules.join("\n")}`,
  );
}
