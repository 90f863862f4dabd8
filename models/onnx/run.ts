/** Runs IR models in onnxruntime-node on the CPU execution provider. */
import * as ort from "onnxruntime-node";
import type { DType, Graph, TensorData } from "./ir.ts";
import { serializeModel } from "./serialize.ts";

/** Output tensor copied out of ONNX Runtime. */
export interface RunOutput {
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

const ORT_TYPE: Readonly<Record<DType, "float32" | "float64" | "int64" | "bool">> = {
  float32: "float32",
  float64: "float64",
  int64: "int64",
  bool: "bool",
};

const DATA_CTOR: Readonly<Record<DType, string>> = {
  float32: "Float32Array",
  float64: "Float64Array",
  int64: "BigInt64Array",
  bool: "Uint8Array",
};

/** An ONNX Runtime session bound to the graph it was built from (for input shapes). */
export class OnnxSession {
  private constructor(readonly graph: Graph, private readonly session: ort.InferenceSession) {}

  /** Creates a CPU session from the serialised graph (single-threaded inter-op, sequential). */
  static async create(graph: Graph, intraOpThreads = 0): Promise<OnnxSession> {
    const bytes = serializeModel(graph);
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ["cpu"],
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      intraOpNumThreads: intraOpThreads,
      // as training sessions do (models/train/session.ts), so that the gradients' explicit
      // Transposes stay out of Gemm's transA path here too; the NCHWc Conv rewrite that training
      // sessions add on the CPU is not applied here (models/train/nchwc_test.ts compares
      // rewritten and plain graphs)
      extra: { "optimization.disable_specified_optimizers": "GemmTransposeFusion" },
    });
    return new OnnxSession(graph, session);
  }

  /** Feeds every graph input by name (shapes come from the graph) and returns every output. */
  async run(feeds: Readonly<Record<string, TensorData>>): Promise<Record<string, RunOutput>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const v of this.graph.inputs) {
      const data = feeds[v.name];
      if (data === undefined) throw new RangeError(`Expected a feed for input "${v.name}"`);
      if (data.constructor.name !== DATA_CTOR[v.dtype]) {
        throw new TypeError(
          `Expected ${DATA_CTOR[v.dtype]} for input "${v.name}" but found ${data.constructor.name}`,
        );
      }
      ortFeeds[v.name] = new ort.Tensor(ORT_TYPE[v.dtype], data, [...v.shape]);
    }
    const raw = await this.session.run(ortFeeds);
    const out: Record<string, RunOutput> = {};
    for (const v of this.graph.outputs) {
      const t = raw[v.name];
      out[v.name] = { dtype: v.dtype, dims: [...t.dims], data: t.data as TensorData };
    }
    return out;
  }

  /** Releases the native session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}

/** One-shot convenience: build a session, run once, release. */
export async function runGraph(
  graph: Graph,
  feeds: Readonly<Record<string, TensorData>>,
): Promise<Record<string, RunOutput>> {
  const s = await OnnxSession.create(graph);
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}
