import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { GraphBuilder } from "../autodiff/mod.ts";
import {
  checkCudaProvider,
  ortLibraryDir,
  ortSessionOptions,
  ProviderError,
  Session,
} from "./session.ts";

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
  assert.deepEqual(quiet.extra, { "session.intra_op.allow_spinning": "0" });
  assert.equal(ortSessionOptions(negGraph("float32")).extra, undefined);
  assert.throws(() => ortSessionOptions(negGraph("float32"), { ep: "tpu" as "cpu" }), RangeError);
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
