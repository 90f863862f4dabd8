// A toy DAG for the engine's tests. It is copied into a temporary directory by the tests, which
// rewrite the import of stage.ts to an absolute path.
//
//   source ─► double ─► sum (published)      other      slow      failing
import type { BuildOptions, Stage, StageContext } from "../../stage.ts";
import { scale } from "./helper.ts";

export const scales = ["default", "smoke"] as const;
export const defaultScale = "default";
export const eps = ["cpu", "webgpu"] as const;

const here = import.meta.url;
const count = async (id: string) => {
  const dir = Deno.env.get("TOY_COUNTER_DIR");
  if (dir) await Deno.writeTextFile(`${dir}/${id}`, "x", { append: true });
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stage(
  id: string,
  params: Stage["params"],
  inputs: Stage["inputs"],
  run: (ctx: StageContext) => Promise<void>,
  publish: string[] = [],
  threads = 1,
): Stage {
  return {
    id,
    module: here,
    params,
    inputs,
    resources: { device: "cpu", threads, memoryMiB: 64 },
    publish,
    // one description with what DOT, Mermaid and the text form must escape or indent
    description: id === "other" ? 'writes "x" and \\ its label\nsecond line' : id,
    run: async (ctx) => {
      await count(id);
      const threadsDir = Deno.env.get("TOY_THREADS_DIR");
      if (threadsDir) await Deno.writeTextFile(`${threadsDir}/${id}`, `${ctx.threads}`);
      // edits the code every toy stage imports, as a person editing files during a run would
      // (a statement: an edited comment leaves the fingerprint as it is)
      if (Deno.env.get("TOY_EDIT_IN") === id) {
        await Deno.writeTextFile(new URL("./helper.ts", here), "void 0;\n", { append: true });
      }
      await run(ctx);
    },
  };
}

/** The engine's CheckParams hook (pipeline/load.ts): other.x may not be negative. */
export const checkParams = (s: Stage) =>
  s.id === "other" && !((s.params.x as number) >= 0)
    ? [{ param: "x", expected: "a number >= 0" }]
    : s.id.startsWith("extra-") && s.params.note === "bad"
    ? [{ param: "note", expected: 'not "bad"' }]
    : [];

/** The engine's config hooks (pipeline/dag_config.ts): each of extras.names adds a stage. */
type ToyConfig = { extras: { names: string[]; note: string } };
export const config = (_scale: string): ToyConfig => ({ extras: { names: [], note: "" } });
export const checkConfig = (c: ToyConfig) =>
  c.extras.names.every((n) => /^[a-z0-9]+$/.test(n))
    ? []
    : [{ key: "extras.names", expected: "a list of lowercase names" }];

export const pipeline = ({ scale: preset }: BuildOptions, cfg = config(preset)) => {
  const n = preset === "smoke" ? 2 : 3;
  const source = stage("source", { n }, {}, async (ctx) => {
    const values = Array.from({ length: ctx.params.n as number }, (_, i) => i + 1);
    await Deno.writeTextFile(`${ctx.outDir}/values.json`, JSON.stringify(values));
  });
  const double = stage("double", { factor: 2 }, { src: source }, async (ctx) => {
    const values = JSON.parse(await Deno.readTextFile(`${ctx.inputs.src}/values.json`));
    const out = scale(values, ctx.params.factor as number);
    await Deno.writeTextFile(`${ctx.outDir}/values.json`, JSON.stringify(out));
  });
  const sum = stage("sum", {}, { values: double }, async (ctx) => {
    const values: number[] = JSON.parse(
      await Deno.readTextFile(`${ctx.inputs.values}/values.json`),
    );
    await Deno.mkdir(`${ctx.outDir}/toy`);
    await Deno.writeTextFile(`${ctx.outDir}/toy/sum.txt`, `${values.reduce((a, b) => a + b)}\n`);
  }, ["toy"]);
  const other = stage("other", { x: 1, label: "a" }, {}, async (ctx) => {
    await Deno.writeTextFile(`${ctx.outDir}/other.txt`, `${ctx.params.x} ${ctx.params.label}\n`);
  });
  // Writes half its output, then waits while the file named by TOY_HOLD exists. Asks for 2 threads.
  // With TOY_IGNORE_TERM set it ignores SIGTERM (the runner's request to stop).
  const slow = stage(
    "slow",
    { steps: 4 },
    {},
    async (ctx) => {
      if (Deno.env.get("TOY_IGNORE_TERM")) Deno.addSignalListener("SIGTERM", () => {});
      const file = await Deno.open(`${ctx.outDir}/big.txt`, { write: true, create: true });
      const total = ctx.params.steps as number;
      for (let i = 0; i < total; i++) {
        await file.write(new TextEncoder().encode(`line ${i}\n`));
        ctx.progress({ done: i + 1, total, unit: "steps" });
        const hold = Deno.env.get("TOY_HOLD");
        while (hold && i === 1 && (await Deno.stat(hold).then(() => true, () => false))) {
          await sleep(50);
        }
      }
      file.close();
    },
    [],
    2,
  );
  const failing = stage("failing", { fail: false }, {}, async (ctx) => {
    ctx.log("about to decide");
    const lines = Number(Deno.env.get("TOY_LOG_LINES") ?? 0);
    for (let i = 0; i < lines; i++) ctx.log(`log line ${i}`);
    if (ctx.params.fail) throw new Error("toy failure on purpose");
    await Deno.writeTextFile(`${ctx.outDir}/ok.txt`, "ok\n");
  });
  const after = stage("after-failing", {}, { f: failing }, async (ctx) => {
    await Deno.writeTextFile(`${ctx.outDir}/after.txt`, "after\n");
  });
  // a stage of one scale only, as the project's smoke scale has fewer seeds
  const tiny = stage("tiny", { k: 1 }, {}, async (ctx) => {
    await Deno.writeTextFile(`${ctx.outDir}/tiny.txt`, `${ctx.params.k}\n`);
  });
  const extras = cfg.extras.names.map((name) =>
    stage(`extra-${name}`, { name, note: cfg.extras.note }, {}, async (ctx) => {
      await Deno.writeTextFile(`${ctx.outDir}/name.txt`, `${ctx.params.name}\n`);
    })
  );
  return {
    stages: [
      source,
      double,
      sum,
      other,
      slow,
      failing,
      after,
      ...(preset === "smoke" ? [tiny] : []),
      ...extras,
    ],
    targets: { totals: ["sum"], all: ["sum", "other", "slow", "after-failing"] },
  };
};
