/**
 * Training-step throughput on the CPU provider: the MNIST FCN 784-512-512-512-10 and the
 * CIFAR FCN 3072-2048-10 at batch 128 and 512, against the machine's GEMM rate measured in
 * the same run (a 2048³ MatMul in ORT) and PyTorch (Debian's python3-torch) on the same model
 * and batch. Prints a table and writes out/bench/train.json.
 *
 *     deno run -A models/train/bench_train.ts [--threads N] [--steps N] [--no-torch]
 */
import { type LossSpec, type TrainStep, trainStep } from "../autodiff/mod.ts";
import { mlp, mlpLayers } from "../arch/mod.ts";
import { initDense } from "../init/mod.ts";
import { GraphBuilder } from "../autodiff/mod.ts";
import type { TensorData } from "../onnx/mod.ts";
import { createRng } from "../rng.ts";
import { constantLr } from "./schedule.ts";
import { Session } from "./session.ts";
import { train } from "./trainer.ts";
import { TORCH_SCRIPT } from "./_bench_torch.ts";

/** A model to benchmark. ResNet-18 hook: push an entry whose `step` builds its TrainStep. */
export interface BenchModel {
  readonly name: string;
  /** Per-sample input shape and class count (labels are drawn uniformly). */
  readonly inputShape: readonly number[];
  readonly classes: number;
  readonly step: (batch: number) => TrainStep;
  readonly params: () => Record<string, TensorData>;
  /** Multiply-add FLOPs of one training step (forward + backward). */
  readonly flops: (batch: number) => number;
  /** The same model for the PyTorch script, or undefined to skip PyTorch. */
  readonly torch?: { sizes: readonly number[]; bias: boolean; loss: "mse" | "ce" };
}

/** 2·B·in·out per layer forward, twice that backward (no input gradient for layer 1). */
export function mlpStepFlops(sizes: readonly number[], batch: number): number {
  let f = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    f += 2 * batch * sizes[l] * sizes[l + 1] * (l === 0 ? 2 : 3);
  }
  return f;
}

function fcn(name: string, sizes: number[], bias: boolean, loss: LossSpec): BenchModel {
  const spec = { sizes, bias };
  return {
    name,
    inputShape: [sizes[0]],
    classes: sizes.at(-1)!,
    step: (batch) =>
      trainStep({
        name,
        dtype: "float32",
        batch,
        inputShape: [sizes[0]],
        forward: (b, x) => mlp(b, x, spec),
        loss,
      }),
    params: () => initDense(mlpLayers(spec), { rule: "kaiming", seed: 0, dtype: "float32" }),
    flops: (batch) => mlpStepFlops(sizes, batch),
    torch: { sizes, bias, loss: loss.kind === "mse" ? "mse" : "ce" },
  };
}

/** Models benchmarked by default (SPEC 5.3 and 5.5). */
export const BENCH_MODELS: BenchModel[] = [
  fcn("mnist_fcn_784-512x3-10", [784, 512, 512, 512, 10], false, { kind: "mse", accuracy: true }),
  fcn("cifar_fcn_3072-2048-10", [3072, 2048, 10], true, { kind: "softmax_ce", labels: "index" }),
  // TODO(resnet): add ResNet-18 here once models/arch exports its builder #3
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Seconds of each timed training step through `train()` (gather, feeds and checks included). */
export async function ortStepSeconds(m: BenchModel, batch: number, threads: number, steps: number) {
  const rows = 2 * batch;
  const rng = createRng(2);
  const width = m.inputShape.reduce((a, d) => a * d, 1);
  const x = Float32Array.from({ length: rows * width }, () => rng.normal());
  const y = Uint8Array.from({ length: rows }, () => rng.nextUint32() % m.classes);
  const order = Array.from(
    { length: 2 },
    (_, k) => Uint32Array.from({ length: batch }, (_, i) => (i * 7 + k) % rows),
  );
  const warm = 2;
  const marks: number[] = [performance.now()];
  const res = await train({
    step: m.step(batch),
    params: m.params(),
    data: { count: rows, x, y, batches: () => order },
    schedule: constantLr({ lr: 1e-4 }),
    epochs: Math.ceil((warm + steps) / 2),
    maxSteps: warm + steps,
    threads,
    onProgress: () => marks.push(performance.now()),
  });
  if (res.diverged) throw new Error(`Benchmark run of "${m.name}" diverged at step ${res.step}`);
  return marks.slice(warm + 1).map((t, i) => (t - marks[warm + i]) / 1000);
}

/**
 * Seconds of 2048³ GEMMs and raw training steps (the graph alone, parameters fed back) run
 * alternately, so both see the same load from other jobs on a shared machine.
 */
export async function interleavedTimes(
  m: BenchModel,
  batch: number,
  threads: number,
  reps: number,
) {
  const n = 2048;
  const gb = new GraphBuilder("gemm");
  gb.output(
    gb.emit("MatMul", [gb.input("a", "float32", [n, n]), gb.input("b", "float32", [n, n])], {}, {
      name: "c",
    }),
  );
  const gemm = await Session.create(gb.build(), { threads, spin: false });
  const st = m.step(batch);
  const step = await Session.create(st.graph, { threads, spin: false });
  const rng = createRng(3);
  const a = Float32Array.from({ length: n * n }, () => rng.uniform() - 0.5);
  const feeds: Record<string, TensorData> = { ...m.params(), lr: new Float32Array([1e-4]) };
  feeds.x = Float32Array.from({ length: batch * m.inputShape[0] }, () => rng.normal());
  const y = st.graph.inputs.find((v) => v.name === "y")!;
  feeds.y = y.dtype === "int64"
    ? BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % m.classes))
    : Float32Array.from({ length: batch * m.classes }, (_, i) => (i % m.classes === 0 ? 1 : 0));
  const gemmTimes: number[] = [];
  const stepTimes: number[] = [];
  try {
    for (let r = -1; r < reps; r++) {
      let t0 = performance.now();
      await gemm.run({ a, b: a });
      const tg = performance.now() - t0;
      t0 = performance.now();
      const out = await step.run(feeds);
      const ts = performance.now() - t0;
      for (const p of st.params) feeds[p.name] = out[`${p.name}_next`] as TensorData;
      if (r >= 0) [gemmTimes.push(tg / 1000), stepTimes.push(ts / 1000)];
    }
  } finally {
    await gemm.release();
    await step.release();
  }
  return { gemmTimes, stepTimes };
}

/** Runs the PyTorch script; returns seconds per step by "name@batch", or a note. */
async function torchSeconds(
  jobs: {
    key: string;
    sizes: readonly number[];
    bias: boolean;
    loss: string;
    batch: number;
    steps: number;
  }[],
  threads: number,
): Promise<Record<string, number> | string> {
  const python = ["/usr/bin/python3", "python3"].find((p) => {
    try {
      return new Deno.Command(p, { args: ["-c", "import torch"], stderr: "null" }).outputSync()
        .success;
    } catch {
      return false;
    }
  });
  if (!python) return "skipped: python3 with torch not found (apt-get install -y python3-torch)";
  const out = await new Deno.Command(python, {
    args: ["-c", TORCH_SCRIPT, JSON.stringify({ threads, jobs })],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) return `failed: ${new TextDecoder().decode(out.stderr).slice(-300)}`;
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Best (minimum) and median of repeated timings: the best resists load from other jobs. */
function stats(xs: number[]) {
  return { best: Math.min(...xs), median: median(xs) };
}

if (import.meta.main) {
  const arg = (name: string, fallback: number) => {
    const at = Deno.args.indexOf(name);
    return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
  };
  const threads = arg("--threads", navigator.hardwareConcurrency);
  const steps = arg("--steps", 15);
  const gemmFlops = 2 * 2048 ** 3;
  const rows = [];
  const allGemm: number[] = [];
  for (const m of BENCH_MODELS) {
    for (const batch of [128, 512]) {
      const loop = stats(await ortStepSeconds(m, batch, threads, steps));
      const { gemmTimes, stepTimes } = await interleavedTimes(m, batch, threads, steps);
      allGemm.push(...gemmTimes);
      const ratios = stepTimes.map((t, i) => (m.flops(batch) / t) / (gemmFlops / gemmTimes[i]));
      const graph = stats(stepTimes);
      rows.push({
        model: m.name,
        batch,
        flops: m.flops(batch),
        ortSeconds: loop,
        graphSeconds: graph,
        gemmGflops: gemmFlops / Math.min(...gemmTimes) / 1e9,
        ortGflops: m.flops(batch) / graph.best / 1e9,
        fractionOfGemmBest: (m.flops(batch) / graph.best) / (gemmFlops / Math.min(...gemmTimes)),
        fractionOfGemmPaired: median(ratios),
      });
    }
  }
  const peak = gemmFlops / Math.min(...allGemm) / 1e9;
  console.log(
    `GEMM 2048^3 (ORT MatMul, ${threads} threads): best ${peak.toFixed(0)} GFLOP/s, ` +
      `median ${
        (gemmFlops / median(allGemm) / 1e9).toFixed(0)
      } GFLOP/s over ${allGemm.length} runs`,
  );
  const torchJobs = BENCH_MODELS.filter((m) => m.torch).flatMap((m) =>
    [128, 512].map((batch) => ({
      key: `${m.name}@${batch}`,
      ...m.torch!,
      batch,
      steps: m.flops(batch) > 5e9 ? 2 : 4,
    }))
  );
  const torch = Deno.args.includes("--no-torch")
    ? "skipped: --no-torch"
    : await torchSeconds(torchJobs, threads);
  if (typeof torch === "string") console.log(`PyTorch ${torch}`);
  const table = rows.map((r) => {
    const t = typeof torch === "string" ? undefined : torch[`${r.model}@${r.batch}`];
    return {
      ...r,
      ortSamplesPerSecond: r.batch / r.ortSeconds.best,
      torchSeconds: t ?? null,
      torchSamplesPerSecond: t ? r.batch / t : null,
    };
  });
  console.log(
    "| model | batch | train() ms/step best/median | samples/s (best) | graph GFLOP/s (best) | of GEMM best/paired-median | PyTorch samples/s | ORT/PyTorch |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of table) {
    const ts = r.torchSamplesPerSecond;
    console.log(
      `| ${r.model} | ${r.batch} | ${(r.ortSeconds.best * 1000).toFixed(1)} / ${
        (r.ortSeconds.median * 1000).toFixed(1)
      } | ` +
        `${r.ortSamplesPerSecond.toFixed(0)} | ${r.ortGflops.toFixed(0)} | ` +
        `${(100 * r.fractionOfGemmBest).toFixed(0)}% / ${
          (100 * r.fractionOfGemmPaired).toFixed(0)
        }% | ` +
        `${ts ? ts.toFixed(0) : "-"} | ${
          ts ? (r.ortSamplesPerSecond / ts).toFixed(1) + "x" : "-"
        } |`,
    );
  }
  await Deno.mkdir("out/bench", { recursive: true });
  const report = {
    threads,
    steps,
    gemm: { n: 2048, bestGflops: peak, medianGflops: gemmFlops / median(allGemm) / 1e9 },
    torch: typeof torch === "string" ? torch : "python3-torch (Debian, generic BLAS)",
    rows: table,
    date: new Date().toISOString(),
  };
  await Deno.writeTextFile("out/bench/train.json.tmp", JSON.stringify(report, null, 2) + "\n");
  await Deno.rename("out/bench/train.json.tmp", "out/bench/train.json");
  console.log("Wrote out/bench/train.json");
}
