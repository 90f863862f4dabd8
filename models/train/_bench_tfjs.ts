/**
 * The TensorFlow.js side of bench_train.ts: the same FCN training step (forward, gradients,
 * plain SGD update) on the wasm backend, float32, SIMD and one thread. bench_train.ts loads this
 * file with a dynamic import so that nothing else loads TF.js.
 */
import * as tf from "@tensorflow/tfjs-core";
// NOTE: tfjs-core's node build registers no gradients, and its per-file build
// (dist/register_all_gradients.js) imports without extensions, which Deno cannot resolve; the
// union package's node build registers all of them (the same `_tfGlobals` registry).
import "@tensorflow/tfjs";
import { getThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

/** An FCN as `mlp()` builds it: `fc<k>.weight` [out,in], optional `fc<k>.bias` [out]. */
export interface TfjsMlpSpec {
  readonly sizes: readonly number[];
  readonly bias: boolean;
  /** `mse`: 1/(2B)·Σ‖z−y‖²; `ce`: −1/B·Σ y·log softmax(z) (as in models/autodiff/losses.ts). */
  readonly loss: "mse" | "ce";
}

let ready: Promise<string> | undefined;

async function initWasm(): Promise<string> {
  // NOTE: under Deno `process.versions.node` is set, so the emscripten loader reads the binary
  // with fs.readFileSync from this folder; the threaded build would need blob workers instead.
  const dist = new URL("./", import.meta.resolve("@tensorflow/tfjs-backend-wasm"));
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  setWasmPaths(dist.protocol === "file:" ? decodeURIComponent(dist.pathname) : dist.href);
  // setBackend logs and returns false instead of throwing; the cause goes to console.warn
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(" "));
  let ok: boolean;
  try {
    ok = await tf.setBackend("wasm");
  } catch (cause) {
    throw new Error(`Expected the TF.js wasm backend to start but it threw: ${cause}`, { cause });
  } finally {
    console.warn = warn;
  }
  if (!ok || tf.getBackend() !== "wasm") {
    throw new Error(
      `Expected TF.js backend "wasm" but found "${tf.getBackend()}": ${warnings.join("; ")}`,
    );
  }
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  return `TF.js ${tf.version_core} wasm backend (${simd ? "SIMD" : "no SIMD"}, ` +
    `${getThreadsCount()} thread)`;
}

/**
 * Starts the wasm backend once; resolves to a description of it. Throws, with the loader's
 * message, when it cannot start: callers report that and never fall back to the cpu backend.
 */
export function useWasmBackend(): Promise<string> {
  ready ??= initWasm();
  return ready;
}

/** One model's parameters as TF.js variables and its training step. */
export interface TfjsStep {
  /** One SGD step on a batch (x [B,in], one-hot y [B,K]); returns the loss before the update. */
  step(x: tf.Tensor2D, y: tf.Tensor2D): number;
  /** Current parameters by ONNX name, in the ONNX layout (weights [out,in]). */
  read(): Record<string, Float32Array>;
  dispose(): void;
}

/**
 * The FCN of `spec` from `params` (ONNX names, PyTorch layout), stepping at learning rate `lr`.
 * Kernels are held as tf.layers.dense holds them, [in,out], so the forward product is h·K.
 */
export function createTfjsStep(
  spec: TfjsMlpSpec,
  params: Readonly<Record<string, ArrayLike<number>>>,
  lr: number,
): TfjsStep {
  // NOTE: the wasm backend's MatMul leaves XNNPACK's fast path when an operand is transposed
  // (about 15x slower at 128x784x512); with [in,out] kernels the forward pass avoids that, and
  // the backward products are whatever TF.js's own MatMul gradient emits.
  const vars: [string, tf.Variable][] = [];
  const take = (name: string, shape: number[], transpose: boolean) => {
    const data = params[name];
    if (data === undefined) throw new RangeError(`Expected parameter "${name}" but found none`);
    const v = tf.tidy(() => {
      const t = tf.tensor(Float32Array.from(data), shape);
      return tf.variable(transpose ? tf.transpose(t) : t);
    });
    vars.push([name, v]);
    return v;
  };
  const layers = spec.sizes.slice(1).map((fanOut, k) => ({
    kernel: take(`fc${k + 1}.weight`, [fanOut, spec.sizes[k]], true),
    bias: spec.bias ? take(`fc${k + 1}.bias`, [fanOut], false) : undefined,
  }));
  const rate = tf.scalar(lr);
  const lossOf = (x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar => {
    let h: tf.Tensor = x;
    layers.forEach(({ kernel, bias }, k) => {
      const z = tf.matMul(h, kernel); // z = h·K = h·Wᵀ
      const zb = bias ? tf.add(z, bias) : z;
      h = k + 1 < layers.length ? tf.relu(zb) : zb;
    });
    const batch = x.shape[0];
    if (spec.loss === "mse") return tf.div(tf.sum(tf.squaredDifference(h, y)), 2 * batch);
    return tf.div(tf.sum(tf.mul(y, tf.logSoftmax(h))), -batch);
  };
  return {
    step(x, y) {
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => lossOf(x, y), vars.map(([, v]) => v));
        // p' = p − lr·g, the ONNX step's update
        for (const [, v] of vars) v.assign(tf.sub(v, tf.mul(rate, grads[v.name])));
        return value;
      });
      const out = loss.dataSync()[0];
      loss.dispose();
      return out;
    },
    read: () =>
      Object.fromEntries(vars.map(([n, v]) => {
        const t = v.rank === 2 ? tf.transpose(v) : v;
        const data = Float32Array.from(t.dataSync());
        if (t !== v) t.dispose();
        return [n, data];
      })),
    dispose() {
      for (const [, v] of vars) v.dispose();
      rate.dispose();
    },
  };
}

/** Random inputs x [B,in] ~ N(0,1) and one-hot rows for uniformly drawn labels. */
function randomBatch(spec: TfjsMlpSpec, batch: number, seed: number) {
  const classes = spec.sizes.at(-1)!;
  const x = tf.randomNormal([batch, spec.sizes[0]], 0, 1, "float32", seed) as tf.Tensor2D;
  const labels = tf.randomUniformInt([batch], 0, classes, seed + 1) as tf.Tensor1D;
  const y = tf.oneHot(labels, classes, 1, 0, "float32") as tf.Tensor2D;
  labels.dispose();
  return { x, y };
}

/**
 * Seconds of each of `steps` timed training steps at `batch` after `warmup` untimed ones, from
 * `params`, on random data (lr 1e-4, like the ORT and PyTorch runs).
 */
export async function tfjsStepSeconds(
  spec: TfjsMlpSpec,
  params: Readonly<Record<string, ArrayLike<number>>>,
  batch: number,
  warmup: number,
  steps: number,
): Promise<number[]> {
  await useWasmBackend();
  const model = createTfjsStep(spec, params, 1e-4);
  const { x, y } = randomBatch(spec, batch, 2);
  const times: number[] = [];
  try {
    for (let s = -warmup; s < steps; s++) {
      const t0 = performance.now();
      const loss = model.step(x, y);
      const t = (performance.now() - t0) / 1000;
      if (!Number.isFinite(loss)) throw new Error(`TF.js loss is ${loss} at step ${s + warmup}`);
      if (s >= 0) times.push(t);
    }
  } finally {
    model.dispose();
    x.dispose();
    y.dispose();
  }
  return times;
}
