// Our training, evaluation and NTK graphs against models written independently in PyTorch
// (`_torch_equiv.ts`), in float64, from the same initial parameters and batches. Skipped where no
// python3 imports torch (Debian: apt-get install -y python3-torch).
import assert from "node:assert/strict";
import {
  type DenseLayer,
  mlp,
  mlpLayers,
  type MlpSpec,
  pytorchDefaultInit,
  resnet18,
  twoLayerReluLayers,
} from "../arch/mod.ts";
import { relErr, type TrainStep, trainStep, type TrainStepSpec } from "../autodiff/mod.ts";
import { initDense } from "../init/mod.ts";
import { evalGraph, type Graph, type TensorData, toFloat64 } from "../onnx/mod.ts";
import { createRng } from "../rng.ts";
import { evalStep } from "./evaluate.ts";
import { NtkProbe, ntkProbeGraph } from "./ntk_probe.ts";
import { Session } from "./session.ts";
import { torchPython } from "./_bench_torch.ts";
import { TORCH_EQUIV_SCRIPT } from "./_torch_equiv.ts";

const PYTHON = torchPython();
const NEEDS = "(needs python3 with torch)";
/** Set by `.ci/run` once it has installed python3-torch: a missing torch is then a failure. */
const REQUIRED = Deno.env.get("TORCH_REQUIRED") === "1";

function torchTest(t: { name: string; fn: () => Promise<void> }): void {
  Deno.test({
    name: t.name,
    ignore: PYTHON === undefined && !REQUIRED,
    fn: async () => {
      assert.ok(PYTHON, "TORCH_REQUIRED=1 but no python3 here imports torch");
      await t.fn();
    },
  });
}

// NOTE: float64 against float64 differs only by summation order: about 1e-16 per operation,
// grown by sums of a few thousand terms, a few steps and, in ResNet-18's evaluation, twenty
// BatchNorms on running statistics. Measured: at most 1.5e-13 (FCNs), 3e-16 (NTK) and 1.9e-12
// (ResNet-18's evaluation logits; 2.7e-14 for its training step). 1e-10 leaves 50x headroom or
// more; every planted modelling error tried gave 7e-5 or more.
const TOL64 = 1e-10;

type Shaped = { readonly data: ArrayLike<number>; readonly shape: readonly number[] };
type Values = Record<string, Float64Array>;

/** Runs the PyTorch script on a case and its float64 tensors; returns what it wrote. */
async function runTorch(
  cfg: Record<string, unknown>,
  tensors: Record<string, Shaped>,
): Promise<Record<string, Shaped>> {
  const dir = await Deno.makeTempDir({ prefix: "torch_equiv_" });
  try {
    const index: Record<string, [number, readonly number[]]> = {};
    let total = 0;
    for (const [name, t] of Object.entries(tensors)) {
      index[name] = [total, t.shape];
      total += t.data.length;
    }
    const bytes = new Uint8Array(8 * total);
    const view = new DataView(bytes.buffer);
    for (const [name, t] of Object.entries(tensors)) {
      const at = index[name][0];
      for (let i = 0; i < t.data.length; i++) view.setFloat64(8 * (at + i), t.data[i], true);
    }
    await Deno.writeFile(`${dir}/in.bin`, bytes);
    await Deno.writeTextFile(`${dir}/in.json`, JSON.stringify({ ...cfg, tensors: index }));
    const run = await new Deno.Command(PYTHON!, {
      args: ["-c", TORCH_EQUIV_SCRIPT, dir],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!run.success) {
      const err = new TextDecoder().decode(run.stderr).slice(-1500);
      throw new Error(`Expected the PyTorch script to succeed but it failed:\n${err}`);
    }
    const found = JSON.parse(await Deno.readTextFile(`${dir}/out.json`));
    const raw = await Deno.readFile(`${dir}/out.bin`);
    const blob = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out: Record<string, Shaped> = {};
    for (const [name, [at, shape]] of Object.entries(found as Record<string, [number, number[]]>)) {
      const n = shape.reduce((a, d) => a * d, 1);
      const data = Float64Array.from({ length: n }, (_, i) => blob.getFloat64(8 * (at + i), true));
      out[name] = { data, shape };
    }
    return out;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs a graph on float64 feeds and returns its outputs in float64. */
type Runner = (graph: Graph, feeds: Record<string, TensorData>) => Promise<Values>;

/** ONNX Runtime on the CPU, through the trainer's Session (with its provider rewrites). */
const ortRunner: Runner = async (graph, feeds) => {
  const session = await Session.create(graph, { threads: 1 });
  try {
    const out = await session.run(feeds);
    return Object.fromEntries(
      Object.entries(out).map(([k, v]) => [k, toFloat64(v as TensorData)]),
    );
  } finally {
    await session.release();
  }
};

/** The float64 reference evaluator (Conv, pooling and their gradients in float64). */
const refRunner: Runner = (graph, feeds) =>
  Promise.resolve(
    Object.fromEntries(Object.entries(evalGraph(graph, feeds)).map(([k, v]) => [k, v.data])),
  );

/** The graph with an intermediate tensor (here: the logits) also returned. */
function exposing(graph: Graph, name: string, shape: readonly number[]): Graph {
  return { ...graph, outputs: [...graph.outputs, { name, dtype: "float64", shape: [...shape] }] };
}

/** A training case: the stage's step spec in float64, its initial values and its batches. */
interface TrainCase {
  readonly spec: TrainStepSpec;
  /** The forward's last node, whose output is the logits. */
  readonly logits: string;
  readonly classes: number;
  readonly init: Values;
  readonly lrs: readonly number[];
  readonly torch: Record<string, unknown>;
  readonly run: Runner;
  /** The evaluation graph's forward, when it differs from training (BatchNorm). */
  readonly evalForward?: TrainStepSpec["forward"];
}

/** Batch k (k = lrs.length: the evaluation batch) of normal inputs and uniform labels. */
function batches(c: TrainCase, seed: number) {
  const rng = createRng(seed);
  const size = c.spec.batch * c.spec.inputShape.reduce((a, d) => a * d, 1);
  return Array.from({ length: c.lrs.length + 1 }, () => ({
    x: Float64Array.from({ length: size }, () => rng.normal()),
    labels: Array.from({ length: c.spec.batch }, () => rng.nextUint32() % c.classes),
  }));
}

function target(c: TrainCase, labels: readonly number[]): TensorData {
  if (c.spec.loss.kind !== "mse") return BigInt64Array.from(labels, BigInt);
  return Float64Array.from(
    { length: labels.length * c.classes },
    (_, i) => labels[Math.floor(i / c.classes)] === i % c.classes ? 1 : 0,
  );
}

/** Our side: the steps, then the evaluation graph on the last batch. */
async function ourRun(
  c: TrainCase,
  step: TrainStep,
  data: ReturnType<typeof batches>,
): Promise<Values> {
  const graph = exposing(step.graph, c.logits, [c.spec.batch, c.classes]);
  const values: Values = { ...c.init };
  const size = (s: readonly number[]) => s.reduce((a, d) => a * d, 1);
  const state: Values = Object.fromEntries(
    step.state.map((v) => [v.name, new Float64Array(size(v.shape))]),
  );
  const found: Values = {};
  for (let k = 0; k < c.lrs.length; k++) {
    const out = await c.run(graph, {
      ...values,
      ...state,
      x: data[k].x,
      y: target(c, data[k].labels),
      lr: new Float64Array([c.lrs[k]]),
    });
    found[`loss/${k}`] = out.loss;
    found[`logits/${k}`] = out[c.logits];
    for (const p of step.params) values[p.name] = out[`${p.name}_next`];
    for (const s of step.state) state[s.name] = out[`${s.name}_next`];
    for (const b of step.buffers) values[b.name] = out[`${b.name}_next`];
  }
  const { sgd: _, ...rest } = c.spec;
  const evaluation = evalStep({
    ...rest,
    name: `${c.spec.name}_eval`,
    forward: c.evalForward ?? c.spec.forward,
  });
  const last = data[c.lrs.length];
  const ev = await c.run(evaluation, { ...values, x: last.x, y: target(c, last.labels) });
  return { ...values, ...state, ...found, "eval/logits": ev.output, "eval/loss": ev.loss };
}

/**
 * Runs both sides and returns the relative error (max |ours − torch| / max |torch|) of every
 * loss, logits, momentum buffer, and of every parameter's and buffer's change from its initial
 * value (the change, not the value, so that a wrong update is not hidden by a large weight).
 */
async function compareTraining(c: TrainCase, seed: number): Promise<Map<string, number>> {
  const data = batches(c, seed);
  const tensors: Record<string, Shaped> = {};
  const step = trainStep(c.spec);
  for (const v of [...step.params, ...step.buffers]) {
    tensors[v.name] = { data: c.init[v.name], shape: v.shape };
  }
  data.forEach((d, k) => {
    const tag = k === c.lrs.length ? "eval" : `${k}`;
    tensors[`x/${tag}`] = { data: d.x, shape: [c.spec.batch, ...c.spec.inputShape] };
    tensors[`y/${tag}`] = { data: d.labels, shape: [c.spec.batch] };
  });
  const torch = await runTorch({
    ...c.torch,
    state: [...step.params, ...step.buffers].map((v) => v.name),
    loss: c.spec.loss.kind,
    lrs: c.lrs,
    momentum: c.spec.sgd?.momentum ?? 0,
    weightDecay: c.spec.sgd?.weightDecay ?? 0,
  }, tensors);
  const ours = await ourRun(c, step, data);
  const want = [
    ...Object.keys(tensors).filter((n) => !/^[xy]\//.test(n)),
    ...step.state.map((v) => v.name),
    ...c.lrs.flatMap((_, k) => [`loss/${k}`, `logits/${k}`]),
    "eval/logits",
    "eval/loss",
  ].sort();
  assert.deepEqual(Object.keys(torch).sort(), want);
  const errors = new Map<string, number>();
  for (const name of want) {
    const [a, b] = [ours[name], torch[name].data];
    assert.equal(a.length, b.length, `"${name}": ${a.length} values but PyTorch has ${b.length}`);
    const init = c.init[name];
    if (init === undefined) errors.set(name, relErr(a, b));
    else {
      const moved = Float64Array.from(b, (v, i) => v - init[i]);
      assert.ok(moved.some((v) => v !== 0), `"${name}" did not move, so it checks nothing`);
      errors.set(name, relErr(a.map((v, i) => v - init[i]), moved));
    }
  }
  return errors;
}

/** Prints the largest errors and asserts that none exceeds `tol`. */
function check(model: string, errors: Map<string, number>, tol: number) {
  const sorted = [...errors].sort((a, b) => b[1] - a[1]);
  const top = sorted.slice(0, 3).map(([n, e]) => `${n} ${e.toExponential(2)}`).join(", ");
  console.log(`${model} vs PyTorch (${errors.size} tensors), largest: ${top}`);
  const bad = sorted.filter(([, e]) => !(e <= tol));
  assert.deepEqual(bad, [], `${model}: relative errors above ${tol}`);
}

function denseCase(
  name: string,
  arch: MlpSpec,
  loss: TrainStepSpec["loss"],
  opts: { batch: number; sigma: number; lrs: number[]; seed: number },
): TrainCase {
  const layers = mlpLayers(arch);
  const init = initDense(layers, {
    rule: "kaiming",
    seed: opts.seed,
    dtype: "float64",
    sigma: opts.sigma,
  }) as Values;
  return {
    spec: {
      name,
      dtype: "float64",
      batch: opts.batch,
      inputShape: [arch.sizes[0]],
      forward: (b, x) => mlp(b, x, arch),
      loss,
    },
    logits: layers.at(-1)!.name,
    classes: arch.sizes.at(-1)!,
    init,
    lrs: opts.lrs,
    torch: { model: "fcn", sizes: arch.sizes, bias: arch.bias },
    run: ortRunner,
  };
}

torchTest({
  name: `trainStep() of Figure 2's MNIST FCN equals PyTorch over two SGD steps ${NEEDS}`,
  fn: async () => {
    // stages/_mnist_fcn_train.ts: 784-512-512-512-10 without biases, Kaiming × σ, ½·MSE to
    // one-hot targets, plain SGD (the rate seeds the backward pass)
    const c = denseCase("mnist_fcn", { sizes: [784, 512, 512, 512, 10], bias: false }, {
      kind: "mse",
      accuracy: true,
    }, { batch: 16, sigma: 0.5, lrs: [0.01, 0.01], seed: 1 });
    check("MNIST FCN (ORT float64)", await compareTraining(c, 11), TOL64);
  },
});

torchTest({
  name: `trainStep() of the CIFAR-10 FCN (3072-512-10) equals PyTorch over two SGD steps ${NEEDS}`,
  fn: async () => {
    // stages/_cifar_fcn_train.ts's 3072-2048-10, narrowed to 3072-512-10 (a quarter of the
    // time): biases (zero at init: the second step sees them), Kaiming × σ, softmax
    // cross-entropy on class indices, plain SGD
    const c = denseCase("cifar_fcn", { sizes: [3072, 512, 10], bias: true }, {
      kind: "softmax_ce",
      labels: "index",
    }, { batch: 16, sigma: 2, lrs: [0.03, 0.03], seed: 2 });
    check("CIFAR FCN (ORT float64)", await compareTraining(c, 12), TOL64);
  },
});

torchTest({
  name: `trainStep() of ResNet-18 (width 1/16) equals PyTorch over three momentum steps ${NEEDS}`,
  fn: async () => {
    // stages/_resnet_train.ts: kuangliu's ResNet-18, PyTorch default init × σ, BatchNorm with
    // batch statistics and running statistics (momentum 0.1), SGD momentum 0.9 and weight decay
    // 5e-4 on every parameter; then the evaluation graph (running statistics) on a fourth batch.
    // Conv runs in float64 only in the reference evaluator, so our side runs there.
    const width = 1 / 16;
    const arch = { width, classes: 10, bnMomentum: 0.1 };
    const spec: TrainStepSpec = {
      name: "resnet18",
      dtype: "float64",
      batch: 4,
      inputShape: [3, 32, 32],
      forward: (b, x) => resnet18(b, x, { ...arch, training: true }),
      loss: { kind: "softmax_ce", labels: "index" },
      sgd: { momentum: 0.9, weightDecay: 5e-4 },
    };
    const step = trainStep(spec);
    const init = pytorchDefaultInit([...step.params, ...step.buffers], { seed: 3, sigma: 2 });
    const c: TrainCase = {
      spec,
      logits: "linear",
      classes: 10,
      init: init as Values,
      lrs: [0.1, 0.08, 0.05],
      torch: { model: "resnet18", width, classes: 10 },
      run: refRunner,
      evalForward: (b, x) => resnet18(b, x, { ...arch, training: false }),
    };
    check("ResNet-18 (reference float64)", await compareTraining(c, 13), TOL64);
  },
});

/** The NTK from our ONNX graph (ORT and the reference evaluator) and from PyTorch's gradients. */
async function compareNtk(
  layers: readonly DenseLayer[],
  model: Record<string, unknown>,
  groups: Record<string, readonly string[]>,
  rates: Record<string, number>,
  probeRows: number,
  seed: number,
) {
  const rng = createRng(seed);
  const params = initDense(layers, { rule: "kaiming", seed, dtype: "float64" }) as Values;
  // biases are zero at init; give them values so that their gradients' inner products count
  for (const l of layers.filter((l) => l.bias)) {
    params[`${l.name}.bias`] = Float64Array.from({ length: l.fanOut }, () => 0.3 * rng.normal());
  }
  const probe = Float64Array.from({ length: probeRows * layers[0].fanIn }, () => rng.normal());
  const rateOf: Record<string, number> = {};
  for (const name of Object.keys(params)) {
    const group = Object.entries(groups).find(([, members]) => members.includes(name));
    rateOf[name] = rates[group?.[0] ?? "lr"];
  }
  const tensors: Record<string, Shaped> = {
    probe: { data: probe, shape: [probeRows, layers[0].fanIn] },
  };
  for (const l of layers) {
    tensors[`${l.name}.weight`] = { data: params[`${l.name}.weight`], shape: [l.fanOut, l.fanIn] };
    if (l.bias) tensors[`${l.name}.bias`] = { data: params[`${l.name}.bias`], shape: [l.fanOut] };
  }
  // the model is described to PyTorch by its definition (sizes, multipliers), not by our layers
  const torch = await runTorch(
    { ...model, ntk: true, state: Object.keys(params), rates: rateOf },
    tensors,
  );
  const feeds: Record<string, TensorData> = { ...params, x: probe };
  for (const [k, v] of Object.entries(rates)) feeds[k] = new Float64Array([v]);
  const graph = ntkProbeGraph(layers, probeRows, "float64", groups);
  const ref = evalGraph(graph, feeds).ntk.data;
  const ntk = await NtkProbe.create({ layers, probe, dtype: "float64", lrGroups: groups, rates });
  let ort: Float64Array;
  try {
    ort = await ntk.gram(params);
  } finally {
    await ntk.release();
  }
  const want = torch.ntk.data;
  const k = layers.at(-1)!.fanOut;
  assert.deepEqual(torch.ntk.shape, [probeRows * k, probeRows * k]);
  return { ref: relErr(ref, want), ort: relErr(ort, want) };
}

torchTest({
  name: `ntkGram() equals the NTK of PyTorch's per-sample gradients ${NEEDS}`,
  fn: async () => {
    // an MLP with biases and three learning-rate groups: every weighted term of the sum
    const sizes = [12, 16, 16, 3];
    const mlpNtk = await compareNtk(
      mlpLayers({ sizes, bias: true }),
      { model: "fcn", sizes, bias: true },
      { eta_head: ["fc3.weight"], eta_bias: ["fc1.bias", "fc2.bias", "fc3.bias"] },
      { lr: 0.3, eta_head: 0.05, eta_bias: 1.7 },
      4,
      21,
    );
    // Figure 1's two-layer ReLU net: input multiplier 1/√D, output multiplier γ, 3-class head
    const fig1 = { width: 24, gamma: 0.2, inputScale: 1 / 3 };
    const [base, head] = twoLayerReluLayers(fig1, 9);
    const twoLayer = await compareNtk(
      [base, { ...head, fanOut: 3 }],
      {
        model: "two_layer_relu",
        dim: 9,
        width: fig1.width,
        outputs: 3,
        gamma: fig1.gamma,
        c: fig1.inputScale,
      },
      {},
      { lr: 0.7 },
      5,
      22,
    );
    console.log(
      `NTK vs PyTorch: MLP reference ${mlpNtk.ref.toExponential(2)}, ORT ${
        mlpNtk.ort.toExponential(2)
      }; two-layer reference ${twoLayer.ref.toExponential(2)}, ORT ${
        twoLayer.ort.toExponential(2)
      }`,
    );
    // NOTE: ORT folds a scalar Mul after a MatMul into a FusedMatMul with a float32 alpha
    // (README), which costs ~1e-8 where a layer past the first has an input multiplier; here only
    // fc1 has one (its Mul acts on the probe, not on a MatMul), so ORT too is exact in float64.
    const all = [mlpNtk.ref, mlpNtk.ort, twoLayer.ref, twoLayer.ort];
    for (const e of all) assert.ok(e <= TOL64, `${e}`);
  },
});
