/**
 * Speed probe, not a test: `deno run -A models/arch/conv_bench.ts [reps]`.
 * Times one 3×3 conv layer (N=64, 64→64, 32×32) forward, input gradient and weight gradient as
 * our gradient rule emits them. The full ResNet-18 training step is timed by `deno task
 * bench:train` (models/train/_bench_models.ts), side by side with PyTorch.
 */
import { emitBackward } from "../autodiff/backward.ts";
import { GraphBuilder } from "../autodiff/builder.ts";
import type { TensorData } from "../onnx/ir.ts";
import { OnnxSession } from "../onnx/run.ts";

/** Median and minimum of `reps` runs after two warm-up runs (ORT grows its arena at first). */
async function time(session: OnnxSession, feeds: Record<string, TensorData>, reps: number) {
  for (let i = 0; i < 2; i++) await session.run(feeds);
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(reps / 2)], min: ms[0] };
}

function filled(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.001));
}

async function convLayer(reps: number): Promise<void> {
  const [n, c, hw] = [64, 64, 32];
  const flops = 2 * n * c * c * 9 * hw * hw;
  const build = (what: "forward" | "all") => {
    const b = new GraphBuilder(`conv_${what}`);
    const x = b.input("x", "float32", [n, c, hw, hw]);
    const w = b.input("w", "float32", [c, c, 3, 3]);
    const y = b.emit("Conv", [x, w], { pads: [1, 1, 1, 1] }, { name: "conv" });
    if (what === "forward") {
      b.output(y);
      return b.build();
    }
    const r = b.input("r", "float32", y.shape);
    const loss = b.emit("ReduceSum", [b.emit("Mul", [y, r]), b.int64s("ax", [0, 1, 2, 3])], {
      keepdims: 0,
    });
    for (const g of emitBackward(b, loss, [x, w])) b.output(g);
    return b.build();
  };
  const feeds = { x: filled(n * c * hw * hw), w: filled(c * c * 9), r: filled(n * c * hw * hw) };
  for (const what of ["forward", "all"] as const) {
    const s = await OnnxSession.create(build(what));
    const t = await time(s, feeds, reps);
    const f = what === "forward" ? flops : 3 * flops;
    console.log(
      `conv 3x3 N=64 64->64 32x32 ${what}: median ${t.median.toFixed(1)} ms, ` +
        `min ${t.min.toFixed(1)} ms, ${(f / t.median / 1e6).toFixed(0)} GFLOP/s at the median`,
    );
    await s.release();
  }
}

const reps = Number(Deno.args[0] ?? 5);
await convLayer(reps);
