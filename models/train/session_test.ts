import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as ort from "onnxruntime-node";
import pkg from "onnx-proto";
import { GraphBuilder } from "../autodiff/mod.ts";
import { serializeModel } from "../onnx/mod.ts";
import {
  checkCudaProvider,
  ortLibraryDir,
  ortSessionOptions,
  ProviderError,
  Session,
} from "./session.ts";

const { onnx } = pkg;

function negGraph(dtype: "float32" | "float64") {
  const b = new GraphBuilder("neg");
  b.output(b.emit("Neg", [b.input("x", dtype, [2])], {}, { name: "y" }));
  return b.build();
}

Deno.test("checkCudaProvider() names the missing library and the cuda12 install flag", async () => {
  assert.ok(existsSync(`${ortLibraryDir()}libonnxruntime.so.1`), "the CPU library is found");
  const empty = await Deno.makeTempDir();
  try {
    assert.throws(() => checkCudaProvider(`${empty}/`), (e: Error) => {
      assert.ok(e instanceof ProviderError);
      assert.match(e.message, /libonnxruntime_providers_cuda\.so/);
      assert.match(e.message, /ONNXRUNTIME_NODE_INSTALL=cuda12/);
      assert.match(e.message, /--onnxruntime-node-install=cuda12/);
      // the Deno way: npm lifecycle scripts run only when allowed, into a local node_modules
      assert.match(e.message, /--allow-scripts=npm:onnxruntime-node --node-modules-dir=auto/);
      return true;
    });
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
  const installed = existsSync(`${ortLibraryDir()}libonnxruntime_providers_cuda.so`);
  if (!installed) {
    await assert.rejects(Session.create(negGraph("float32"), { ep: "cuda" }), ProviderError);
  }
});

Deno.test("ortSessionOptions() keeps chosen outputs on the WebGPU device and refuses float64", () => {
  const opts = ortSessionOptions(negGraph("float32"), {
    ep: "webgpu",
    deviceOutputs: ["y"],
    threads: 2,
  });
  assert.deepEqual(opts.executionProviders, ["webgpu"]);
  assert.deepEqual(opts.preferredOutputLocation, { y: "gpu-buffer" });
  assert.equal(opts.intraOpNumThreads, 2);
  assert.throws(() => ortSessionOptions(negGraph("float64"), { ep: "webgpu" }), ProviderError);
  const quiet = ortSessionOptions(negGraph("float32"), { spin: false });
  assert.equal((quiet.extra as Record<string, string>)["session.intra_op.allow_spinning"], "0");
  const spinning = ortSessionOptions(negGraph("float32")).extra as Record<string, string>;
  assert.equal(spinning["session.intra_op.allow_spinning"], undefined);
  assert.throws(() => ortSessionOptions(negGraph("float32"), { ep: "tpu" as "cpu" }), RangeError);
});

Deno.test("ortSessionOptions() keeps a gradient's explicit Transpose out of Gemm's transA", async () => {
  // dB = dYᵀ·x as the Gemm rule emits it: onnxruntime's GemmTransposeFusion would fold the
  // Transpose into transA=1 (the slower MLAS path) unless the options disable it.
  const b = new GraphBuilder("dw");
  const dy = b.input("dy", "float32", [4, 3]);
  const lhs = b.emit("Transpose", [dy], { perm: [1, 0] }, { name: "dy_t" });
  b.output(b.emit("Gemm", [lhs, b.input("x", "float32", [4, 5])], {}, { name: "y" }));
  const graph = b.build();
  const dir = await Deno.makeTempDir();
  try {
    const ops = async (options: ort.InferenceSession.SessionOptions) => {
      const path = `${dir}/optimized.onnx`;
      const s = await ort.InferenceSession.create(serializeModel(graph), {
        ...options,
        optimizedModelFilePath: path,
        logSeverityLevel: 3,
      });
      await s.release();
      return onnx.ModelProto.decode(await Deno.readFile(path)).graph!.node!.map((n) => n.opType);
    };
    const ours = ortSessionOptions(graph, { threads: 1 });
    assert.deepEqual(await ops(ours), ["Transpose", "Gemm"]);
    // the control: without the option the fusion happens, so the assertion above can fail
    assert.deepEqual(await ops({ ...ours, extra: {} }), ["Gemm"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Session.run() on the CPU returns host arrays", async () => {
  const s = await Session.create(negGraph("float64"), { threads: 1, spin: false });
  try {
    const out = await s.run({ x: new Float64Array([1, -2]) });
    assert.deepEqual(out.y, new Float64Array([-1, 2]));
  } finally {
    await s.release();
  }
});

Deno.test("checkCudaProvider() passes where both libraries are, and names only the one missing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/libonnxruntime_providers_shared.so`, new Uint8Array());
    assert.throws(() => checkCudaProvider(`${dir}/`), (e: Error) => {
      assert.ok(e instanceof ProviderError);
      assert.match(e.message, /^Expected "libonnxruntime_providers_cuda\.so" next to/);
      return true;
    });
    await Deno.writeFile(`${dir}/libonnxruntime_providers_cuda.so`, new Uint8Array());
    checkCudaProvider(`${dir}/`);
    // a folder of that name is no library
    await Deno.remove(`${dir}/libonnxruntime_providers_shared.so`);
    await Deno.mkdir(`${dir}/libonnxruntime_providers_shared.so`);
    assert.throws(
      () => checkCudaProvider(`${dir}/`),
      /"libonnxruntime_providers_shared\.so" next to/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ortSessionOptions() leaves the thread count to ONNX Runtime (0) unless given", () => {
  assert.equal(ortSessionOptions(negGraph("float32")).intraOpNumThreads, 0);
  assert.equal(ortSessionOptions(negGraph("float32"), { threads: 3 }).intraOpNumThreads, 3);
});

Deno.test("Session.run() names an input it was not fed", async () => {
  const s = await Session.create(negGraph("float64"), { threads: 1, spin: false });
  try {
    await assert.rejects(
      s.run({ y: new Float64Array(2) }),
      (e: Error) => e instanceof RangeError && /Expected a feed for input "x"/.test(e.message),
    );
  } finally {
    await s.release();
  }
});
