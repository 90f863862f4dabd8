/**
 * onnxruntime-node sessions for training and measurement on a chosen execution provider.
 * `cpu` is the default and the only one our test machines run; `webgpu` keeps tensors on the
 * device through `preferredOutputLocation: "gpu-buffer"` (float32 only: WGSL has no f64);
 * `cuda` needs provider libraries the npm package does not ship, so it is checked up front.
 */
import * as ort from "onnxruntime-node";
import type { DType, Graph, ProviderGraph, TensorData } from "../onnx/ir.ts";
import { serializeModel } from "../onnx/serialize.ts";
import { nchwcBlockSize } from "./nchwc.ts";
import { type ExecutionProvider, graphForProvider, ProviderError } from "./provider.ts";

export { type ExecutionProvider, ProviderError };

/** Options shared by every session the trainer opens. */
export interface SessionOptions {
  /** Execution provider (default "cpu"). */
  readonly ep?: ExecutionProvider;
  /** Intra-op threads of the CPU provider: the stage's thread budget (0 = ORT default). */
  readonly threads?: number;
  /** Outputs to keep on the device (webgpu only); the others come back to the CPU. */
  readonly deviceOutputs?: readonly string[];
  /**
   * Let idle intra-op threads spin (ORT default, true). Turn off for sessions that run now and
   * then beside a hot one (NTK probe, evaluation): spinning pools of two sessions otherwise
   * compete for the same cores.
   */
  readonly spin?: boolean;
  /**
   * Run eligible Convs on onnxruntime's NCHWc kernels (cpu only; default true): see nchwc.ts.
   * Off, every Conv runs in ONNX's NCHW layout.
   */
  readonly nchwc?: boolean;
}

const CUDA_LIB = "libonnxruntime_providers_cuda.so";
const SHARED_LIB = "libonnxruntime_providers_shared.so";

/** Folder holding onnxruntime-node's `libonnxruntime.so.1` for this platform. */
export function ortLibraryDir(): string {
  const entry = new URL(import.meta.resolve("onnxruntime-node"));
  const arch = Deno.build.arch === "aarch64" ? "arm64" : "x64";
  return new URL(`../bin/napi-v6/${Deno.build.os}/${arch}/`, entry).pathname;
}

/** Throws a ProviderError naming the missing CUDA provider libraries, if any. */
export function checkCudaProvider(dir = ortLibraryDir()): void {
  const missing = [CUDA_LIB, SHARED_LIB].filter((lib) => {
    try {
      return !Deno.statSync(`${dir}${lib}`).isFile;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new ProviderError(
      `Expected ${missing.map((m) => `"${m}"`).join(" and ")} next to "libonnxruntime.so.1" in ` +
        `"${dir}" but found none: the CUDA execution provider is not installed (the npm package ` +
        `does not ship it; its install script downloads a CUDA 12 build from api.nuget.org). On ` +
        `a machine with CUDA 12 that reaches it, run \`ONNXRUNTIME_NODE_INSTALL=cuda12 deno ` +
        `install --allow-scripts=npm:onnxruntime-node --node-modules-dir=auto\` and set ` +
        `"nodeModulesDir": "auto" in deno.json (npm: ONNXRUNTIME_NODE_INSTALL=cuda12 npm install, ` +
        `or --onnxruntime-node-install=cuda12); or use "cpu" or "webgpu"`,
    );
  }
}

/** ORT session options for `ep`; validates the provider first. */
export function ortSessionOptions(
  graph: Graph,
  opts: SessionOptions = {},
): ort.InferenceSession.SessionOptions {
  const ep = opts.ep ?? "cpu";
  const base: ort.InferenceSession.SessionOptions = {
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    intraOpNumThreads: opts.threads ?? 0,
    interOpNumThreads: 1,
    extra: {
      ...(opts.spin === false ? { "session.intra_op.allow_spinning": "0" } : {}),
      // NOTE: keeps the gradients' explicit Transposes out of Gemm's slow transA path (see
      // gemmUntransposedA in models/autodiff/grads/gemm.ts); the list is ';'-separated.
      "optimization.disable_specified_optimizers": "GemmTransposeFusion",
    },
  };
  switch (ep) {
    case "cpu":
      return { ...base, executionProviders: ["cpu"] };
    case "cuda":
      checkCudaProvider();
      return { ...base, executionProviders: [{ name: "cuda", deviceId: 0 }, "cpu"] };
    case "webgpu": {
      const f64 = graph.inputs.find((v) => v.dtype === "float64");
      if (f64) {
        throw new ProviderError(
          `Expected float32 tensors for the WebGPU provider but found float64 input "${f64.name}"`,
        );
      }
      const keep = new Set(opts.deviceOutputs ?? []);
      const where: Record<string, "gpu-buffer" | "cpu"> = {};
      for (const v of graph.outputs) where[v.name] = keep.has(v.name) ? "gpu-buffer" : "cpu";
      // ORT places shape computations on the CPU by design and then warns, twice per session,
      // that "some nodes were not assigned to the preferred execution providers": on webgpu only
      // errors are logged (they also throw).
      return {
        ...base,
        logSeverityLevel: 3,
        executionProviders: ["webgpu"],
        preferredOutputLocation: where,
      };
    }
    default:
      throw new RangeError(
        `Expected execution provider "cpu", "webgpu" or "cuda" but found "${ep}"`,
      );
  }
}

/** A value fed to or read from a session: host data, or an ORT tensor left on the device. */
export type Value = TensorData | ort.Tensor;

const ORT_TYPE: Readonly<Record<DType, "float32" | "float64" | "int64" | "bool">> = {
  float32: "float32",
  float64: "float64",
  int64: "int64",
  bool: "bool",
};

/** A session that feeds host arrays or device tensors by graph input name. */
export class Session {
  private constructor(
    readonly graph: Graph,
    readonly ep: ExecutionProvider,
    /** The graph as the provider runs it, after `graphForProvider`'s rewrites. */
    readonly opened: Graph | ProviderGraph,
    private readonly session: ort.InferenceSession,
  ) {}

  /**
   * Serialises `graph`, with the rewrites its provider needs or gains from (`graphForProvider`;
   * on the CPU, NCHWc Convs unless `nchwc` is false), and opens it on the chosen provider.
   */
  static async create(graph: Graph, opts: SessionOptions = {}): Promise<Session> {
    const options = ortSessionOptions(graph, opts);
    const ep = opts.ep ?? "cpu";
    const convs = ep === "cpu" && opts.nchwc !== false && graph.nodes.some((n) => n.op === "Conv");
    let opened: Graph | ProviderGraph;
    try {
      const nchwcBlock = convs ? await nchwcBlockSize() : 0;
      opened = graphForProvider(graph, ep, { nchwcBlock });
    } catch (cause) {
      if (cause instanceof ProviderError) throw cause; // graphForProvider's own, already specific
      throw new ProviderError(
        `Expected graph "${graph.name}" to be prepared for "${ep}" (NCHWc probe and rewrites)`,
        { cause },
      );
    }
    try {
      const s = await ort.InferenceSession.create(serializeModel(opened), options);
      return new Session(graph, ep, opened, s);
    } catch (cause) {
      throw new ProviderError(`Expected ONNX Runtime to open graph "${graph.name}" on "${ep}"`, {
        cause,
      });
    }
  }

  /**
   * Runs the graph. Host arrays are wrapped with the graph's static shapes; `ort.Tensor`
   * values (device buffers from an earlier run) are passed through untouched. Outputs kept on
   * the device come back as `ort.Tensor` with location "gpu-buffer"; the others as host arrays.
   */
  async run(feeds: Readonly<Record<string, Value>>): Promise<Record<string, Value>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const v of this.graph.inputs) {
      const data = feeds[v.name];
      if (data === undefined) throw new RangeError(`Expected a feed for input "${v.name}"`);
      ortFeeds[v.name] = ArrayBuffer.isView(data)
        ? new ort.Tensor(ORT_TYPE[v.dtype], data as TensorData, [...v.shape])
        : data as ort.Tensor;
    }
    const raw = await this.session.run(ortFeeds);
    const out: Record<string, Value> = {};
    for (const v of this.graph.outputs) {
      const t = raw[v.name];
      out[v.name] = t.location === "gpu-buffer" ? t : (t.data as TensorData);
    }
    return out;
  }

  /** Releases the native session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Disposes a device tensor; host arrays need nothing. */
export function disposeValue(v: Value | undefined): void {
  if (v instanceof ort.Tensor && v.location === "gpu-buffer") v.dispose();
}
