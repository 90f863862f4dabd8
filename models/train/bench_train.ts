/**
 * Training-step throughput on the CPU provider: the MNIST FCN 784-512-512-512-10 and the
 * CIFAR FCN 3072-2048-10 at batch 128 and 512, two 3×3 conv layers (64 channels, 32×32, batch
 * 64) and the full-width CIFAR ResNet-18 at batch 128 (1 warm-up + 5 timed steps), against the
 * machine's GEMM rate and PyTorch (Debian's python3-torch) on the same model and batch, both
 * timed in alternation with the graph's steps, and, for the FCNs, TensorFlow.js on its wasm
 * backend (SIMD, one thread; `_bench_tfjs.ts`, loaded only here). Prints a table (ORT/PyTorch
 * and ORT/TF.js compare best samples/s; "paired" is the median over rounds of PyTorch's step
 * time over the graph's in the same round) and writes out/bench/train.json, and a copy named by
 * the date into out/bench/runs/ (a run of some models, with --only or --skip, only the copy).
 *
 * On a GPU machine, `--ep webgpu --torch-device cuda` compares ONNX Runtime's WebGPU provider,
 * with parameters kept on the device between steps, against PyTorch on CUDA (fp32), and writes
 * out/bench/train-webgpu.json (likewise).
 *
 *     deno run -A models/train/bench_train.ts [--threads N] [--steps N] [--ep cpu|webgpu|cuda]
 *       [--no-torch] [--torch-device cpu|cuda] [--only MODEL]... [--skip MODEL]...
 *       [--compare FILE]
 *       (MODEL: a name, or its start or end at a "_" like "resnet18"; FILE: an earlier run's
 *       JSON, such as one of out/bench/runs/, whose rows are printed beside this run's)
 */
import { parseArgs } from "node:util";
import { sizeOf } from "../onnx/ir.ts";
import type { ExecutionProvider } from "./session.ts";
import { type TorchDevice, TorchWorker } from "./_bench_torch.ts";
import { BENCH_MODELS, type BenchModel } from "./_bench_models.ts";
import { compareRuns, describeMachine, parseSavedRun, type SavedRun } from "./_bench_compare.ts";
import {
  busyPhaseWarnings,
  cpuShares,
  cpuTimes,
  interleavedTimes,
  median,
  ortStepSeconds,
  thisMachine,
} from "./_bench_timing.ts";

/**
 * The checked-out commit, with "+changes" where tracked files differ from it; null outside a git
 * checkout or without git.
 */
function gitCommit(): string | null {
  const git = (...args: string[]) => {
    try {
      const r = new Deno.Command("git", { args, stdout: "piped", stderr: "null" }).outputSync();
      return r.success ? new TextDecoder().decode(r.stdout).trim() : null;
    } catch {
      return null; // no git on PATH
    }
  };
  const head = git("rev-parse", "--short", "HEAD");
  if (head === null) return null;
  const changes = git("status", "--porcelain", "--untracked-files=no");
  return changes ? `${head}+changes` : head;
}

/** TF.js seconds of each timed step by "name@batch" for the FCNs, or a note saying why none. */
async function tfjsSeconds(
  models: readonly BenchModel[],
  steps: number,
): Promise<{ backend: string; times: Record<string, number[]> } | string> {
  const fcns = models.filter((m) => m.torch?.kind === "mlp");
  if (fcns.length === 0) return "skipped: no FCN selected";
  try {
    // a dynamic import, so that only this bench loads TF.js and its wasm binary
    const { tfjsStepSeconds, useWasmBackend } = await import("./_bench_tfjs.ts");
    const backend = await useWasmBackend();
    const times: Record<string, number[]> = {};
    for (const m of fcns) {
      if (m.torch?.kind !== "mlp") continue;
      const spec = { sizes: m.torch.sizes, bias: m.torch.bias, loss: m.loss };
      for (const batch of m.batches) {
        times[`${m.name}@${batch}`] = await tfjsStepSeconds(
          spec,
          m.params() as Record<string, Float32Array>,
          batch,
          m.warmup,
          m.steps ?? steps,
        );
      }
    }
    return { backend, times };
  } catch (e) {
    return `failed: ${(e as Error).message}`;
  }
}

/** Best (minimum) and median of repeated timings: the best resists load from other jobs. */
function stats(xs: number[]) {
  return { best: Math.min(...xs), median: median(xs) };
}

const USAGE = "Usage: deno run -A models/train/bench_train.ts [--threads N] [--steps N] " +
  "[--ep cpu|webgpu|cuda] [--no-torch] [--torch-device cpu|cuda] [--only MODEL]... " +
  "[--skip MODEL]... [--compare FILE]";

const EPS: readonly ExecutionProvider[] = ["cpu", "webgpu", "cuda"];
const TORCH_DEVICES: readonly TorchDevice[] = ["cpu", "cuda"];

/** Parsed command line; throws a RangeError naming the bad flag or value. */
export function parseBenchArgs(args: readonly string[], models: readonly BenchModel[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        threads: { type: "string" },
        steps: { type: "string" },
        ep: { type: "string" },
        "no-torch": { type: "boolean" },
        "torch-device": { type: "string" },
        only: { type: "string", multiple: true },
        skip: { type: "string", multiple: true },
        compare: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (cause) {
    throw new RangeError((cause as Error).message, { cause });
  }
  const v = parsed.values;
  const count = (flag: string, text: string | undefined, dflt: number) => {
    const n = text === undefined ? dflt : Number(text);
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`Expected a positive integer for "--${flag}" but found "${text}"`);
    }
    return n;
  };
  // a name matches a model's whole name, or its start or end at a "_": "resnet18" selects
  // "cifar_resnet18", "conv3x3" the conv layers, "cifar" every CIFAR model; a whole name selects
  // that model alone ("cifar_resnet18", not also "cifar_resnet18_x0.125")
  const pick = (flag: string, names: readonly string[] = []) =>
    names.map((name) => {
      const exact = models.filter((m) => m.name === name);
      const hit = exact.length > 0
        ? exact
        : models.filter((m) => m.name.endsWith(`_${name}`) || m.name.startsWith(`${name}_`));
      if (hit.length === 0) {
        throw new RangeError(
          `Expected one of ${models.map((m) => `"${m.name}"`).join(", ")} for "--${flag}" ` +
            `but found "${name}"`,
        );
      }
      return hit;
    }).flat();
  const oneOf = <T extends string>(
    flag: string,
    text: string | undefined,
    allowed: readonly T[],
  ) => {
    const value = text ?? allowed[0];
    if (!allowed.includes(value as T)) {
      throw new RangeError(
        `Expected one of ${allowed.map((a) => `"${a}"`).join(", ")} for "--${flag}" but found ` +
          `"${text}"`,
      );
    }
    return value as T;
  };
  const only = pick("only", v.only);
  const skip = pick("skip", v.skip);
  const chosen = models.filter((m) => (only.length === 0 || only.includes(m)) && !skip.includes(m));
  if (chosen.length === 0) {
    throw new RangeError(
      `Expected "--only" and "--skip" to leave a model to run but they leave none`,
    );
  }
  return {
    help: v.help === true,
    compare: v.compare,
    threads: count("threads", v.threads, navigator.hardwareConcurrency),
    steps: count("steps", v.steps, 15),
    ep: oneOf("ep", v.ep, EPS),
    torch: v["no-torch"] !== true,
    torchDevice: oneOf("torch-device", v["torch-device"], TORCH_DEVICES),
    models: chosen,
    /** Some models left out: the run is kept under its date but is not the latest full run. */
    partial: chosen.length < models.length,
  };
}

if (import.meta.main) {
  // help is help even next to a flag that does not parse
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(`${USAGE}\nModels (--only/--skip take a name, or its start or end at a "_"):`);
    for (const m of BENCH_MODELS) console.log(`  ${m.name}`);
    Deno.exit(0);
  }
  let opts;
  try {
    opts = parseBenchArgs(Deno.args, BENCH_MODELS);
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    Deno.exit(2);
  }
  // read before the run: a bad file is a usage error, not something to find out an hour later
  let earlier: SavedRun | undefined;
  if (opts.compare !== undefined) {
    try {
      earlier = parseSavedRun(Deno.readTextFileSync(opts.compare), opts.compare);
    } catch (e) {
      const why = e instanceof RangeError // parseSavedRun's, naming the file and field
        ? e.message
        : e instanceof Deno.errors.NotFound
        ? `Expected an earlier run's JSON at "${opts.compare}" (--compare) but there is no such file`
        : `Expected an earlier run's JSON file at "${opts.compare}" (--compare) but reading it ` +
          `failed: ${(e as Error).message}`;
      console.error(`${why}\n${USAGE}`);
      Deno.exit(2);
    }
  }
  const { threads, steps, models, ep, torchDevice } = opts;
  const machine = thisMachine();
  const commit = gitCommit();
  console.log(
    `Machine: ${describeMachine(machine)}; commit ${commit ?? "unknown (no git checkout)"}`,
  );
  const gemmFlops = 2 * 2048 ** 3;
  const rows = [];
  const allGemm: number[] = [];
  const worker = opts.torch ? TorchWorker.start(threads, torchDevice) : "skipped: --no-torch";
  if (typeof worker === "string") console.log(`PyTorch ${worker}`);
  // PyTorch's worker counts as this process in the CPU shares: others are everything else
  const helpers = typeof worker === "string" ? [] : [worker.pid];
  for (const m of models) {
    const timed = m.steps ?? steps;
    for (const batch of m.batches) {
      const before = cpuTimes(helpers);
      const loop = stats(await ortStepSeconds(m, batch, threads, timed, ep));
      const between = cpuTimes(helpers);
      let torch;
      if (m.torch && typeof worker !== "string") {
        // CUDA's first steps load kernels and pick algorithms: give them a few untimed steps
        const warmup = torchDevice === "cuda" ? 5 : 1;
        const torchParams = await worker.setup({ ...m.torch, loss: m.loss, batch, warmup });
        const params = m.step(batch).params.reduce((n, v) => n + sizeOf(v.shape), 0);
        if (torchParams !== params) {
          throw new Error(
            `Expected PyTorch's "${m.name}" to have the ONNX model's ${params} parameters but ` +
              `found ${torchParams}`,
          );
        }
        // PyTorch's CPU matmuls run on a generic BLAS: a few steps of the large FCNs suffice
        const slow = torchDevice === "cpu" && m.torch.kind === "mlp";
        const few = slow ? (m.flops(batch) > 5e9 ? 2 : 4) : timed;
        torch = { worker, reps: Math.min(timed, few) };
      }
      const { gemmTimes, stepTimes, torchTimes } = await interleavedTimes(
        m,
        batch,
        threads,
        timed,
        torch,
        ep,
      );
      const after = cpuTimes(helpers);
      allGemm.push(...gemmTimes);
      const ratios = stepTimes.map((t, i) => (m.flops(batch) / t) / (gemmFlops / gemmTimes[i]));
      const graph = stats(stepTimes);
      const ts = torchTimes.length > 0 ? stats(torchTimes) : undefined;
      rows.push({
        model: m.name,
        batch,
        steps: timed,
        warmup: m.warmup,
        flops: m.flops(batch),
        ortSeconds: loop,
        graphSeconds: graph,
        gemmGflops: gemmFlops / Math.min(...gemmTimes) / 1e9,
        ortGflops: m.flops(batch) / graph.best / 1e9,
        fractionOfGemmBest: (m.flops(batch) / graph.best) / (gemmFlops / Math.min(...gemmTimes)),
        fractionOfGemmPaired: median(ratios),
        torchSeconds: ts ?? null,
        torchSamplesPerSecond: ts ? batch / ts.best : null,
        ortOverTorch: ts ? ts.best / loop.best : null,
        // the graph alone against PyTorch: best against best, and the median of the rounds' ratios
        graphOverTorch: ts ? ts.best / graph.best : null,
        graphOverTorchPaired: ts ? median(torchTimes.map((t, i) => t / stepTimes[i])) : null,
        // shares of CPU time the hypervisor took and other processes (not this one nor PyTorch's
        // worker) used while train() ran (session set-up and warm-up included), and while the
        // alternated rounds did
        cpu: { train: cpuShares(before, between), interleaved: cpuShares(between, after) },
      });
    }
  }
  if (typeof worker !== "string") await worker.close();
  const peak = gemmFlops / Math.min(...allGemm) / 1e9;
  console.log(
    `GEMM 2048^3 (ORT MatMul on ${ep}, ${threads} threads): best ${peak.toFixed(0)} GFLOP/s, ` +
      `median ${
        (gemmFlops / median(allGemm) / 1e9).toFixed(0)
      } GFLOP/s over ${allGemm.length} runs`,
  );
  // TF.js is the CPU alternative: its wasm backend has nothing to say about a GPU provider
  const tfjs = ep === "cpu" ? await tfjsSeconds(models, steps) : `skipped: --ep ${ep}`;
  console.log(typeof tfjs === "string" ? `TF.js ${tfjs}` : tfjs.backend);
  const table = rows.map((r) => {
    const j = typeof tfjs === "string" ? undefined : tfjs.times[`${r.model}@${r.batch}`];
    const tj = j ? stats(j) : undefined;
    return {
      ...r,
      ortSamplesPerSecond: r.batch / r.ortSeconds.best,
      tfjsSeconds: tj ?? null,
      tfjsSamplesPerSecond: tj ? r.batch / tj.best : null,
      ortOverTfjs: tj ? tj.best / r.ortSeconds.best : null,
    };
  });
  const ms = (s: { best: number; median: number } | null) =>
    s ? `${(s.best * 1000).toFixed(1)} / ${(s.median * 1000).toFixed(1)}` : "-";
  console.log(
    "| model | batch | train() ms/step best/median | samples/s (best) | graph GFLOP/s (best) | of GEMM best/paired-median | PyTorch ms/step best/median | PyTorch samples/s | ORT/PyTorch (graph, paired median) | TF.js ms/step best/median | TF.js samples/s | ORT/TF.js |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of table) {
    const ts = r.torchSamplesPerSecond;
    // "—": TF.js runs the FCNs only; "-": it should have run but did not (see the note above)
    const fcn = models.find((m) => m.name === r.model)?.torch?.kind === "mlp";
    const tj = r.tfjsSamplesPerSecond;
    const tfjsCells = !fcn
      ? "— | — | —"
      : `${ms(r.tfjsSeconds)} | ${tj ? tj.toFixed(0) : "-"} | ${
        r.ortOverTfjs ? r.ortOverTfjs.toFixed(2) + "x" : "-"
      }`;
    console.log(
      `| ${r.model} | ${r.batch} | ${ms(r.ortSeconds)} | ` +
        `${r.ortSamplesPerSecond.toFixed(0)} | ${r.ortGflops.toFixed(0)} | ` +
        `${(100 * r.fractionOfGemmBest).toFixed(0)}% / ${
          (100 * r.fractionOfGemmPaired).toFixed(0)
        }% | ${ms(r.torchSeconds)} | ` +
        `${ts ? ts.toFixed(0) : "-"} | ${
          r.ortOverTorch
            ? `${r.ortOverTorch.toFixed(2)}x (${r.graphOverTorchPaired!.toFixed(2)}x)`
            : "-"
        } | ` +
        `${tfjsCells} |`,
    );
  }
  // a host that takes CPU time from this virtual machine, or another process, slows one phase
  // and not the other
  const pct = (v: number | undefined) => v === undefined ? "n/a" : `${(100 * v).toFixed(1)} %`;
  const shares = (c: { stolen: number; others: number } | null) =>
    `${pct(c?.stolen)} / ${pct(c?.others)}`;
  console.log(
    "Share of CPU time stolen by the hypervisor / used by other processes (/proc/stat) while " +
      "train() ran (set-up and warm-up included); the alternated rounds (PyTorch's worker is " +
      "not counted as another process): " +
      table.map((r) => `${r.model}@${r.batch} ${shares(r.cpu.train)}; ${shares(r.cpu.interleaved)}`)
        .join(", "),
  );
  for (const w of busyPhaseWarnings(table)) console.log(w);
  await Deno.mkdir("out/bench/runs", { recursive: true });
  const report = {
    ep,
    threads,
    steps,
    gemm: {
      n: 2048,
      timed: ep === "webgpu" ? "MatMul, ReduceSum of the product, readback of the sum" : "MatMul",
      bestGflops: peak,
      medianGflops: gemmFlops / median(allGemm) / 1e9,
    },
    torch: typeof worker === "string"
      ? worker
      : torchDevice === "cuda"
      ? "PyTorch on CUDA, fp32 (TF32 off)"
      : "python3-torch (Debian, generic BLAS)",
    torchDevice,
    tfjs: typeof tfjs === "string" ? tfjs : tfjs.backend,
    rows: table,
    machine,
    commit,
    date: new Date().toISOString(),
  };
  // the latest full CPU run keeps its historical name; a GPU run does not overwrite it, nor does a
  // run of some models (--only, --skip); every run is also kept under its date, for --compare
  const stem = `train${ep === "cpu" ? "" : `-${ep}`}`;
  const file = `out/bench/${stem}.json`;
  const kept = `out/bench/runs/${stem}-${report.date.replace(/[:.]/g, "-")}.json`;
  const json = JSON.stringify(report, null, 2) + "\n";
  // models/ may not import pipeline/fs.ts's writeFileAtomic (STYLE: boundaries)
  for (const path of opts.partial ? [kept] : [file, kept]) {
    await Deno.writeTextFile(`${path}.tmp`, json);
    await Deno.rename(`${path}.tmp`, path);
  }
  console.log(
    opts.partial
      ? `Wrote ${kept} (some models only: ${file} keeps the latest run of all of them)`
      : `Wrote ${file} and ${kept}`,
  );
  if (earlier) { for (const line of compareRuns(earlier, report)) console.log(line); }
}
