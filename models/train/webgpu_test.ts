/**
 * The WebGPU provider against the CPU provider on the same graphs: training with parameters kept
 * on the device (momentum, weight decay, BatchNorm buffers, the per-image conv weight gradient),
 * host readback for logs, divergence, evaluation and the NTK probe. They need a WebGPU adapter:
 * a GPU, or Mesa's software Vulkan (lavapipe; `.ci/run` installs it). Without one they are
 * ignored, unless WEBGPU_REQUIRED=1 (set by `.ci/run` once lavapipe is installed) makes that a
 * failure.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { batchIndices } from "../../data/mod.ts";
import { GraphBuilder, trainStep } from "../autodiff/mod.ts";
import { mlp, mlpLayers, pytorchDefaultInit } from "../arch/mod.ts";
import { initDense } from "../init/mod.ts";
import type { TensorData } from "../onnx/mod.ts";
import { createRng } from "../rng.ts";
import { blobs, mlpEval, tinyResnetStep } from "./_testing.ts";
import { evaluate } from "./evaluate.ts";
import { type FeatureMeasures, NtkProbe } from "./ntk_probe.ts";
import { ParamStore } from "./param_store.ts";
import { constantLr } from "./schedule.ts";
import { type ExecutionProvider, Session } from "./session.ts";
import { train, type TrainResult } from "./trainer.ts";

/** Why WebGPU cannot run here, or undefined when a one-op graph runs on it. */
async function webgpuMissing(): Promise<string | undefined> {
  const b = new GraphBuilder("probe");
  b.output(b.emit("Neg", [b.input("x", "float32", [2])], {}, { name: "y" }));
  try {
    const s = await Session.create(b.build(), { ep: "webgpu", threads: 1 });
    try {
      const y = (await s.run({ x: new Float32Array([1, -2]) })).y as Float32Array;
      return y[0] === -1 && y[1] === 2 ? undefined : `Neg gave [${y}]`;
    } finally {
      await s.release();
    }
  } catch (e) {
    return String((e as Error).cause ?? e).split("\n")[0];
  }
}

const missing = await webgpuMissing();
const required = Deno.env.get("WEBGPU_REQUIRED") === "1";
if (missing) console.log(`WebGPU tests ${required ? "required but" : "ignored:"} ${missing}`);

function webgpuTest(name: string, fn: () => Promise<void>) {
  Deno.test({
    name,
    ignore: missing !== undefined && !required,
    fn: async () => {
      assert.equal(missing, undefined, `WEBGPU_REQUIRED=1 but WebGPU cannot run: ${missing}`);
      await fn();
    },
  });
}

/** max |a − b| over every tensor, against max |a|. */
function maxDiff(a: Readonly<Record<string, TensorData>>, b: Readonly<Record<string, TensorData>>) {
  let diff = 0;
  let scale = 0;
  for (const [name, x] of Object.entries(a)) {
    const y = b[name] as Float32Array;
    assert.equal(y.length, x.length, name);
    for (let i = 0; i < x.length; i++) {
      diff = Math.max(diff, Math.abs(Number(x[i]) - y[i]));
      scale = Math.max(scale, Math.abs(Number(x[i])));
    }
  }
  return { diff, scale };
}

function finished(r: TrainResult) {
  if (r.diverged) throw new Error(r.message);
  return r;
}

const SPEC = { sizes: [16, 32, 32, 4], bias: true };
const mlpStep = () =>
  trainStep({
    name: "mlp_webgpu",
    dtype: "float32",
    batch: 32,
    inputShape: [16],
    forward: (b, x) => mlp(b, x, SPEC),
    loss: { kind: "softmax_ce", labels: "index" },
    sgd: { momentum: 0.9, weightDecay: 5e-4 },
  });

async function fitMlp(
  ep: ExecutionProvider,
  lr: number,
  logs: Record<string, TensorData>[],
  stepsPerCall = 1,
) {
  const data = blobs(256, 16, 4, 1);
  return await train({
    step: mlpStep(),
    params: initDense(mlpLayers(SPEC), { rule: "kaiming", seed: 5, dtype: "float32" }),
    data: {
      count: 256,
      ...data,
      batches: (epoch) => batchIndices(256, 32, { seed: 2, epoch, dropLast: true }),
    },
    schedule: constantLr({ lr }),
    epochs: 6,
    ep,
    threads: 1,
    stepsPerCall,
    logEvery: 16,
    onLog: (_, info) => void logs.push({ ...info.params, ...info.state }),
  });
}

webgpuTest(
  "webgpu: train() of an MLP (parameters fed back on the device) matches the CPU at every host readback and at the end",
  async () => {
    const [cpuLogs, gpuLogs] = [[], []] as Record<string, TensorData>[][];
    const cpu = finished(await fitMlp("cpu", 0.02, cpuLogs));
    const gpu = finished(await fitMlp("webgpu", 0.02, gpuLogs));
    assert.equal(gpu.step, 48);
    // logs at steps 0, 16, 32 and 48 read parameters and momentum back from the device
    assert.equal(gpuLogs.length, 4);
    for (let i = 0; i < 4; i++) {
      const { diff, scale } = maxDiff(cpuLogs[i], gpuLogs[i]);
      assert.ok(diff <= 1e-5 * scale, `log ${i}: max |cpu - webgpu| ${diff} (max |p| ${scale})`);
    }
    const { diff, scale } = maxDiff({ ...cpu.params, ...cpu.state }, {
      ...gpu.params,
      ...gpu.state,
    });
    assert.ok(diff <= 1e-5 * scale, `final: max |cpu - webgpu| ${diff} (max |p| ${scale})`);
    for (let k = 0; k < cpu.losses.length; k++) {
      assert.ok(
        Math.abs(cpu.losses[k] - gpu.losses[k]) <= 1e-4 * cpu.losses[0],
        `loss ${k}: ${cpu.losses[k]} vs ${gpu.losses[k]}`,
      );
    }
  },
);

webgpuTest(
  "webgpu: ParamStore feeds back `<name>_next` as device tensors and reads them back on request",
  async () => {
    const b = new GraphBuilder("double");
    b.output(b.emit("Add", [b.input("p", "float32", [2]), b.get("p")], {}, { name: "p_next" }));
    const infos = [{ name: "p", dtype: "float32", shape: [2] }] as const;
    const store = new ParamStore(infos, { p: new Float32Array([1, -2]) }, "webgpu", 1);
    const s = await Session.create(b.build(), {
      ep: "webgpu",
      threads: 1,
      deviceOutputs: ["p_next"],
    });
    try {
      for (let k = 0; k < 2; k++) store.update(await s.run(store.feeds()));
      const p = store.feeds().p;
      assert.ok(p instanceof ort.Tensor && p.location === "gpu-buffer", "p stays on the device");
      assert.deepEqual((await store.host()).p, new Float32Array([4, -8]));
    } finally {
      await s.release();
      await store.release();
    }
  },
);

webgpuTest("webgpu: a diverging run stops at the same step as on the CPU", async () => {
  const cpu = await fitMlp("cpu", 1e4, []);
  const gpu = await fitMlp("webgpu", 1e4, []);
  assert.equal(cpu.diverged, true);
  assert.equal(gpu.diverged, true);
  assert.equal(gpu.step, cpu.step);
});

webgpuTest(
  "webgpu: train() with stepsPerCall (device tensors between runs) gives the bytes of single steps, and stops at the same step",
  async () => {
    const bytes = (r: TrainResult) =>
      r.diverged ? [r.step] : Object.values({ ...r.params, ...r.state, losses: r.losses })
        .map((v) => Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)));
    const [oneLogs, fiveLogs] = [[], []] as Record<string, TensorData>[][];
    const one = finished(await fitMlp("webgpu", 0.02, oneLogs));
    const five = finished(await fitMlp("webgpu", 0.02, fiveLogs, 5));
    assert.deepEqual(bytes(five), bytes(one));
    assert.deepEqual(fiveLogs, oneLogs);
    const diverged = [await fitMlp("webgpu", 1e4, []), await fitMlp("webgpu", 1e4, [], 5)];
    assert.equal(diverged[1].diverged, true);
    assert.deepEqual(bytes(diverged[1]), bytes(diverged[0]));
  },
);

webgpuTest(
  "webgpu: ResNet-18 steps (BatchNorm buffers, per-image conv weight gradient) match the CPU",
  async () => {
    const step = tinyResnetStep("resnet18_webgpu", 4);
    const params = pytorchDefaultInit([...step.params, ...step.buffers], { seed: 3 });
    const rng = createRng(8);
    const x = Float32Array.from({ length: 8 * 3 * 32 * 32 }, () => rng.normal());
    const y = Uint8Array.from({ length: 8 }, (_, i) => i % 10);
    const run = async (ep: ExecutionProvider) =>
      finished(
        await train({
          step,
          params,
          data: {
            count: 8,
            x,
            y,
            batches: () => [Uint32Array.of(0, 1, 2, 3), Uint32Array.of(4, 5, 6, 7)],
          },
          schedule: constantLr({ lr: 0.05 }),
          epochs: 2,
          ep,
          threads: 1,
        }),
      );
    const cpu = await run("cpu");
    const gpu = await run("webgpu");
    assert.equal(gpu.step, 4);
    assert.ok(Object.keys(cpu.state).some((n) => n.endsWith("running_mean")));
    for (
      const [label, a, b] of [["params", cpu.params, gpu.params], [
        "state",
        cpu.state,
        gpu.state,
      ]] as const
    ) {
      const { diff, scale } = maxDiff(a, b);
      assert.ok(diff <= 1e-4 * scale, `${label}: max |cpu - webgpu| ${diff} (max ${scale})`);
    }
    for (let k = 0; k < 4; k++) {
      assert.ok(Math.abs(cpu.losses[k] - gpu.losses[k]) <= 1e-4 * cpu.losses[0], `loss ${k}`);
    }
  },
);

webgpuTest("webgpu: evaluate() and the NTK probe give the CPU's numbers", async () => {
  const params = initDense(mlpLayers(SPEC), { rule: "kaiming", seed: 5, dtype: "float32" });
  const held = blobs(100, 16, 4, 3);
  const scores = [];
  const measures: FeatureMeasures[] = [];
  for (const ep of ["cpu", "webgpu"] as const) {
    scores.push(
      await evaluate({
        build: mlpEval(SPEC, { kind: "softmax_ce", labels: "index" }),
        params,
        data: { count: 100, ...held },
        batchSize: 32,
        ep,
        threads: 1,
      }),
    );
    const probe = await NtkProbe.create({
      layers: mlpLayers(SPEC),
      probe: held.x.subarray(0, 8 * 16),
      dtype: "float32",
      rates: { lr: 0.1 },
      ep,
      threads: 1,
    });
    try {
      await probe.setReference(params);
      const moved = Object.fromEntries(
        Object.entries(params).map(([n, v]) => [n, (v as Float32Array).map((p) => 1.1 * p)]),
      );
      measures.push(await probe.measure(moved));
    } finally {
      await probe.release();
    }
  }
  assert.equal(scores[1].count, 100);
  assert.equal(scores[1].accuracy, scores[0].accuracy);
  assert.ok(Math.abs(scores[1].loss - scores[0].loss) <= 1e-5 * scores[0].loss);
  assert.ok(measures[0].zeta > 0.1, `ζ ${measures[0].zeta}`);
  assert.ok(
    Math.abs(measures[1].zeta - measures[0].zeta) <= 1e-4 * measures[0].zeta,
    `ζ cpu ${measures[0].zeta} vs webgpu ${measures[1].zeta}`,
  );
  measures[0].normRatio.forEach((r, l) => assert.ok(Math.abs(measures[1].normRatio[l] - r) < 1e-5));
});

/** stderr of a child Deno that opens the MLP step on webgpu, through Session or directly. */
async function childStderr(direct: boolean): Promise<string> {
  const here = (f: string) => new URL(f, import.meta.url).href;
  const script = `
    import * as ort from "onnxruntime-node";
    import { serializeModel } from "${here("../onnx/mod.ts")}";
    import { trainStep } from "${here("../autodiff/mod.ts")}";
    import { mlp } from "${here("../arch/mod.ts")}";
    import { ortSessionOptions, Session } from "${here("./session.ts")}";
    const { graph } = trainStep({
      name: "mlp_webgpu", dtype: "float32", batch: 32, inputShape: [16],
      forward: (b, x) => mlp(b, x, { sizes: [16, 32, 4], bias: true }),
      loss: { kind: "softmax_ce", labels: "index" }, sgd: {},
    });
    if (${direct}) {
      const options = { ...ortSessionOptions(graph, { ep: "webgpu" }), logSeverityLevel: 2 };
      await (await ort.InferenceSession.create(serializeModel(graph), options)).release();
    } else await (await Session.create(graph, { ep: "webgpu" })).release();
  `;
  // where the packages are a local node_modules (models/train/gpu/run.sh on a machine without the
  // registry), the child must read them there as its parent does
  const local = existsSync(new URL("../../node_modules/.deno", import.meta.url));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-lock", ...(local ? ["--node-modules-dir=manual"] : []), script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  return stderr;
}

webgpuTest(
  "webgpu: sessions do not print ORT's warning about nodes placed on the CPU (ORT does at its default level)",
  async () => {
    const warning = /\[W:onnxruntime.*VerifyEachNodeIsAssignedToAnEp/;
    assert.match(await childStderr(true), warning, "the graph no longer makes ORT warn");
    assert.doesNotMatch(await childStderr(false), warning);
  },
);
