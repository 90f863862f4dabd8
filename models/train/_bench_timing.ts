/**
 * The timing loops of bench_train.ts: training steps through `train()`, and the bare step graph
 * alternated with a 2048³ GEMM and PyTorch's step so that all of them see the same load.
 */
import { GraphBuilder } from "../autodiff/builder.ts";
import { sizeOf, type TensorData, type ValueInfo } from "../onnx/ir.ts";
import { createRng } from "../rng.ts";
import { constantLr } from "./schedule.ts";
import { disposeValue, type ExecutionProvider, Session, type Value } from "./session.ts";
import { train } from "./trainer.ts";
import { stepTensor, unrollStep } from "./unroll.ts";
import type { TorchWorker } from "./_bench_torch.ts";
import type { BenchModel } from "./_bench_models.ts";

/** The middle element of the sorted values (the upper one of two). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The machine a bench run ran on, as `bench:train` records it (Linux /proc; null fields elsewhere). */
export interface Machine {
  /** /proc/cpuinfo's "model name" (a virtual machine may show the vendor's line only). */
  readonly cpu: string | null;
  /** "cpu family" and "model" (e.g. "26/2"), which tell CPU generations apart when cpu does not. */
  readonly familyModel: string | null;
  /** Logical CPUs this process may use. */
  readonly cores: number;
  /** The vector extensions ONNX Runtime's MLAS kernels dispatch on, space-separated. */
  readonly simd: string;
  /** MemTotal of /proc/meminfo in GiB. */
  readonly memoryGiB: number | null;
}

// NOTE: the same list as pipeline/provenance.ts's SIMD, which models/ may not import (STYLE:
// boundaries)
const SIMD = ["avx", "avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "asimd", "sve"];

/** A `Machine` from the texts of /proc/cpuinfo and /proc/meminfo (either may be empty). */
export function parseMachine(cpuinfo: string, meminfo: string, cores: number): Machine {
  const field = (name: string) =>
    cpuinfo.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, "m"))?.[1].trim() ?? null;
  const family = field("cpu family");
  const model = field("model");
  const flags = new Set((field("flags") ?? field("Features") ?? "").split(/\s+/));
  const kib = Number(meminfo.match(/^MemTotal:\s*(\d+)\s*kB/m)?.[1]);
  return {
    cpu: field("model name"),
    familyModel: family !== null && model !== null ? `${family}/${model}` : null,
    cores,
    simd: SIMD.filter((f) => flags.has(f)).join(" "),
    memoryGiB: Number.isFinite(kib) ? Math.round(kib / 2 ** 20 * 10) / 10 : null,
  };
}

/** This machine (`parseMachine` of /proc; what cannot be read is null). */
export function thisMachine(): Machine {
  const read = (path: string) => {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      return "";
    }
  };
  return parseMachine(
    read("/proc/cpuinfo"),
    read("/proc/meminfo"),
    navigator.hardwareConcurrency || 1,
  );
}

/**
 * Clock ticks since boot of all CPUs (Linux's /proc/stat): in total, busy (run by this machine:
 * not idle, waiting for I/O or stolen), stolen by the hypervisor, and used by the threads of this
 * process and of the given helper processes (/proc/<pid>/stat).
 */
export interface CpuTimes {
  readonly total: number;
  readonly busy: number;
  readonly steal: number;
  readonly own: number;
}

/**
 * The aggregate "cpu" line of /proc/stat (user nice system idle iowait irq softirq steal ...);
 * undefined when the text has none or it has no steal column (kernels before 2.6.11).
 */
export function parseProcStat(text: string): Omit<CpuTimes, "own"> | undefined {
  const line = text.split("\n").find((l) => /^cpu\s/.test(l));
  const f = line?.trim().split(/\s+/).slice(1, 11).map(Number);
  if (!f || f.length < 8 || f.some((v) => !Number.isFinite(v))) return undefined;
  // guest and guest_nice are already counted in user and nice
  const total = f.slice(0, 8).reduce((a, v) => a + v, 0);
  return { total, busy: total - f[3] - f[4] - f[7], steal: f[7] };
}

/**
 * utime + stime of a /proc/<pid>/stat line, in clock ticks: fields 14 and 15, counted after the
 * command name's closing parenthesis (the name may hold spaces); undefined if malformed.
 */
export function parseProcPidStat(text: string): number | undefined {
  const f = text.slice(text.lastIndexOf(")") + 1).trim().split(/\s+/);
  const [utime, stime] = [Number(f[11]), Number(f[12])];
  return text.includes(")") && Number.isFinite(utime) && Number.isFinite(stime)
    ? utime + stime
    : undefined;
}

/**
 * This machine's CPU times now, with this process and `helpers` (such as PyTorch's worker) as
 * its own, or undefined where /proc cannot be read.
 */
export function cpuTimes(helpers: readonly number[] = []): CpuTimes | undefined {
  try {
    const all = parseProcStat(Deno.readTextFileSync("/proc/stat"));
    let own = 0;
    for (const pid of ["self", ...helpers]) {
      const ticks = parseProcPidStat(Deno.readTextFileSync(`/proc/${pid}/stat`));
      if (ticks === undefined) return undefined;
      own += ticks;
    }
    return all ? { ...all, own } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Shares of all CPUs' time between two readings that the hypervisor took (stolen) and that
 * processes other than this one and its helpers used (others); null where either reading is
 * missing.
 */
export function cpuShares(
  a: CpuTimes | undefined,
  b: CpuTimes | undefined,
): { stolen: number; others: number } | null {
  if (!a || !b || b.total <= a.total) return null;
  const span = b.total - a.total;
  // ticks are sampled per CPU and per process separately: clamp the small negative differences
  const others = Math.max(0, b.busy - a.busy - (b.own - a.own)) / span;
  return { stolen: (b.steal - a.steal) / span, others };
}

/** CPU shares of one row's two timed phases, as `bench:train` records them. */
export interface RowCpu {
  readonly model: string;
  readonly batch: number;
  readonly cpu: {
    readonly train: { stolen: number; others: number } | null;
    readonly interleaved: { stolen: number; others: number } | null;
  };
}

/**
 * One warning per timed phase in which the hypervisor and other processes together took at
 * least `limit` of all CPUs' time: its step times are not those of a quiet machine.
 */
export function busyPhaseWarnings(rows: readonly RowCpu[], limit = 0.1): string[] {
  const out: string[] = [];
  for (const r of rows) {
    const phases = [["train()", r.cpu.train], [
      "the alternated rounds",
      r.cpu.interleaved,
    ]] as const;
    for (const [phase, c] of phases) {
      if (c && c.stolen + c.others >= limit) {
        out.push(
          `Warning: while ${phase} of ${r.model}@${r.batch} ran, ${
            (100 * c.others).toFixed(0)
          } % of the CPU time went to other processes and ${
            (100 * c.stolen).toFixed(0)
          } % to the hypervisor: those times are not a quiet machine's`,
        );
      }
    }
  }
  return out;
}

/**
 * Seconds per step of the timed steps through `train()` (gather, feeds and checks included),
 * one value per session run: its time over its steps.
 */
export async function ortStepSeconds(
  m: BenchModel,
  batch: number,
  threads: number,
  steps: number,
  ep: ExecutionProvider = "cpu",
) {
  const rows = 2 * batch;
  const rng = createRng(2);
  const x = Float32Array.from({ length: rows * sizeOf(m.inputShape) }, () => rng.normal());
  const y = Uint8Array.from({ length: rows }, () => rng.nextUint32() % m.classes);
  const order = Array.from(
    { length: 2 },
    (_, k) => Uint32Array.from({ length: batch }, (_, i) => (i * 7 + k) % rows),
  );
  // whole runs of k steps, so that no timed run opens the session of a shorter one, after
  // m.warmup untimed runs
  const k = m.stepsPerCall ?? 1;
  const warm = m.warmup * k;
  const timed = Math.ceil(steps / k) * k;
  const marks: [number, number][] = [[0, performance.now()]];
  const res = await train({
    step: m.step(batch),
    params: m.params(),
    data: { count: rows, x, y, batches: () => order },
    schedule: constantLr({ lr: 1e-4 }),
    epochs: Math.ceil((warm + timed) / 2),
    maxSteps: warm + timed,
    threads,
    ep,
    stepsPerCall: m.stepsPerCall,
    onProgress: (done) => marks.push([done, performance.now()]),
  });
  if (res.diverged) throw new Error(`Benchmark run of "${m.name}" diverged at step ${res.step}`);
  const runs = marks.slice(1).map(([done, t], i) => {
    const [before, t0] = marks[i];
    return { from: before, seconds: (t - t0) / 1000 / (done - before) };
  });
  return runs.filter((r) => r.from >= warm).map((r) => r.seconds);
}

/** Things to release at the end of a measurement, last first. */
type Cleanup = (() => unknown)[];

/**
 * On webgpu, copies host arrays to the device (an Identity graph whose outputs stay there) so that
 * timed runs do not upload them; elsewhere they are returned as they are (the CPU needs no copy,
 * and the session keeps outputs on the device for webgpu only).
 */
async function onDevice(
  values: Readonly<Record<string, TensorData>>,
  infos: readonly ValueInfo[],
  ep: ExecutionProvider,
  threads: number,
  cleanup: Cleanup,
): Promise<Record<string, Value>> {
  if (ep !== "webgpu") return { ...values };
  const b = new GraphBuilder("upload");
  for (const v of infos) {
    b.output(
      b.emit("Identity", [b.input(v.name, v.dtype, v.shape)], {}, { name: `${v.name}_dev` }),
    );
  }
  const session = await Session.create(b.build(), {
    ep,
    threads,
    spin: false,
    deviceOutputs: infos.map((v) => `${v.name}_dev`),
  });
  cleanup.push(() => session.release());
  const out = await session.run(values);
  cleanup.push(() => Object.values(out).forEach(disposeValue));
  return Object.fromEntries(infos.map((v) => [v.name, out[`${v.name}_dev`]]));
}

/**
 * Seconds of 2048³ GEMMs, raw training steps (the graph alone, parameters fed back) and, in the
 * first `torch.reps` rounds, PyTorch steps of the same model, run alternately so that all of them
 * see the same load from other jobs on a shared machine. On webgpu the GEMM's operand, the batch
 * and the parameters stay on the device, as PyTorch's do there; the GEMM then returns the sum of
 * its product (a ReduceSum and a one-number readback inside its time) and the step its loss, so
 * each timed run ends when the device has finished.
 */
export async function interleavedTimes(
  m: BenchModel,
  batch: number,
  threads: number,
  reps: number,
  torch?: { readonly worker: TorchWorker; readonly reps: number },
  ep: ExecutionProvider = "cpu",
) {
  const n = 2048;
  const cleanup: Cleanup = [];
  try {
    const gb = new GraphBuilder("gemm");
    const c = gb.emit(
      "MatMul",
      [gb.input("a", "float32", [n, n]), gb.input("b", "float32", [n, n])],
      {},
      { name: "c" },
    );
    if (ep !== "webgpu") gb.output(c);
    else {
      const axes = gb.constant("axes", "int64", [2], new BigInt64Array([0n, 1n]));
      gb.output(gb.emit("ReduceSum", [c, axes], { keepdims: 0 }, { name: "sum" }));
    }
    const gemm = await Session.create(gb.build(), { threads, spin: false, ep });
    cleanup.push(() => gemm.release());
    const st = m.step(batch);
    const carried = [...st.params, ...st.state, ...st.buffers];
    // the graph the trainer runs: k steps per session run, each timed as the run's time over k
    const k = m.stepsPerCall ?? 1;
    const step = await Session.create(k === 1 ? st.graph : unrollStep(st, k), {
      threads,
      spin: false,
      ep,
      deviceOutputs: carried.map((v) => `${v.name}_next`),
    });
    cleanup.push(() => step.release());
    const rng = createRng(3);
    const a = Float32Array.from({ length: n * n }, () => rng.uniform() - 0.5);
    const square = [{ name: "a", dtype: "float32", shape: [n, n] }] as const;
    const operand = (await onDevice({ a }, square, ep, threads, cleanup)).a;
    const host: Record<string, TensorData> = { ...m.params(), lr: new Float32Array([1e-4]) };
    for (const v of st.state) host[v.name] = new Float32Array(sizeOf(v.shape));
    const x = Float32Array.from({ length: batch * sizeOf(m.inputShape) }, () => rng.normal());
    const yInfo = st.graph.inputs.find((v) => v.name === "y")!;
    const y = yInfo.dtype === "int64"
      ? BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % m.classes))
      : Float32Array.from({ length: batch * m.classes }, (_, i) => (i % m.classes === 0 ? 1 : 0));
    const batchInfos = st.graph.inputs.filter((v) => v.name === "x" || v.name === "y");
    const batchFeeds = await onDevice({ x, y }, batchInfos, ep, threads, cleanup);
    const feeds: Record<string, Value> = { ...host, ...batchFeeds };
    if (k > 1) {
      for (let s = 0; s < k; s++) {
        for (const name of ["x", "y", ...st.lrInputs]) {
          feeds[stepTensor(s, name)] = feeds[name];
        }
      }
    }
    // the parameters fed last (device tensors after the first step on webgpu)
    cleanup.push(() => carried.forEach((v) => disposeValue(feeds[v.name])));
    const gemmTimes: number[] = [];
    const stepTimes: number[] = [];
    const torchTimes: number[] = [];
    for (let r = -m.warmup; r < reps; r++) {
      let t0 = performance.now();
      await gemm.run({ a: operand, b: operand });
      const tg = performance.now() - t0;
      t0 = performance.now();
      const out = await step.run(feeds);
      const ts = (performance.now() - t0) / k;
      for (const v of carried) {
        disposeValue(feeds[v.name]);
        feeds[v.name] = out[`${v.name}_next`];
      }
      if (r >= 0) [gemmTimes.push(tg / 1000), stepTimes.push(ts / 1000)];
      if (r >= 0 && torch && r < torch.reps) torchTimes.push(await torch.worker.step());
    }
    return { gemmTimes, stepTimes, torchTimes };
  } finally {
    for (const release of cleanup.reverse()) await release();
  }
}
