/** Training-step graphs: forward, loss, backward and an SGD update as standard ONNX ops. */
import type { DType, Graph, ValueInfo } from "../onnx/ir.ts";
import { emitBackward } from "./backward.ts";
import { GraphBuilder, type Tensor } from "./builder.ts";
import { batchAccuracy, mseLoss, softmaxCrossEntropy } from "./losses.ts";

/** Loss of a training step; `softmax_ce` labels are int64 indices or float one-hot rows. */
export type LossSpec =
  | { readonly kind: "mse"; readonly accuracy?: boolean }
  | { readonly kind: "softmax_ce"; readonly labels: "index" | "onehot" };

/** torch.optim.SGD semantics (dampening 0, no Nesterov): v ← μv + (g + λp); p ← p − lr·v. */
export interface SgdSpec {
  readonly momentum?: number;
  readonly weightDecay?: number;
}

/** Everything `trainStep` needs to know. */
export interface TrainStepSpec {
  readonly name: string;
  readonly dtype: "float32" | "float64";
  readonly batch: number;
  /** Shape of one sample of `x` (the batch axis is prepended). */
  readonly inputShape: readonly number[];
  /** Builds the model on `x`, declaring parameters with `b.param`; returns outputs [B, K]. */
  readonly forward: (b: GraphBuilder, x: Tensor) => Tensor;
  readonly loss: LossSpec;
  readonly sgd?: SgdSpec;
  /** Learning-rate inputs: name → parameters it drives; parameters not listed use `lr`. */
  readonly lrGroups?: Readonly<Record<string, readonly string[]>>;
}

/** A built training step and the names a training loop feeds and reads. */
export interface TrainStep {
  readonly graph: Graph;
  readonly params: readonly ValueInfo[];
  /** Momentum buffers `<param>.momentum` (empty for plain SGD); feed zeros at step 0. */
  readonly state: readonly ValueInfo[];
  /** Buffers (e.g. BN running statistics) read as inputs and returned as `<buffer>_next`. */
  readonly buffers: readonly ValueInfo[];
  readonly lrInputs: readonly string[];
}

/**
 * Name of the learning-rate input of each parameter: its group in `groups` (lr name → params),
 * else `lr`. Throws on unknown parameters and on a parameter listed twice.
 */
export function assignLearningRates(
  params: readonly string[],
  groups: Readonly<Record<string, readonly string[]>> = {},
): string[] {
  const of = new Map<string, string>();
  for (const [lr, members] of Object.entries(groups)) {
    for (const p of members) {
      if (!params.includes(p)) {
        throw new RangeError(`Expected a parameter name but found "${p}" in "${lr}"`);
      }
      if (of.has(p)) throw new RangeError(`Expected one learning rate for "${p}" but found two`);
      of.set(p, lr);
    }
  }
  return params.map((p) => of.get(p) ?? "lr");
}

/** Sorted distinct names, e.g. the learning-rate inputs to declare. */
export function distinctSorted(names: readonly string[]): string[] {
  return names.filter((n, i) => names.indexOf(n) === i).sort();
}

function targetOf(b: GraphBuilder, spec: TrainStepSpec, out: Tensor): Tensor {
  if (spec.loss.kind === "softmax_ce" && spec.loss.labels === "index") {
    return b.input("y", "int64", [spec.batch]);
  }
  return b.input("y", spec.dtype, out.shape);
}

/**
 * Builds one training step. Inputs: `x`, `y`, learning rates (scalars), parameters, momentum
 * state and buffers. Outputs: `<param>_next`, `<param>.momentum_next`, `<buffer>_next` (buffers
 * the forward pass updated), `loss` and, for classification, `accuracy` (computed before the
 * update, like a PyTorch training loop).
 */
export function trainStep(spec: TrainStepSpec): TrainStep {
  const b = new GraphBuilder(spec.name);
  const dtype: DType = spec.dtype;
  const x = b.input("x", dtype, [spec.batch, ...spec.inputShape]);
  const out = spec.forward(b, x);
  const y = targetOf(b, spec, out);
  const loss = spec.loss.kind === "mse" ? mseLoss(b, out, y) : softmaxCrossEntropy(b, out, y);
  const wantAccuracy = spec.loss.kind === "softmax_ce" || spec.loss.accuracy === true;
  const accuracy = wantAccuracy ? batchAccuracy(b, out, y) : undefined;
  const params = b.params.map((p) => b.get(p));
  const lrNames = assignLearningRates(b.params, spec.lrGroups);
  const lrInputs = distinctSorted(lrNames);
  const lr = new Map(lrInputs.map((n) => [n, b.input(n, dtype, [])]));
  const mu = spec.sgd?.momentum ?? 0;
  const wd = spec.sgd?.weightDecay ?? 0;
  const muT = mu !== 0 ? b.scalar("sgd/momentum", dtype, mu) : undefined;
  const wdT = wd !== 0 ? b.scalar("sgd/weight_decay", dtype, wd) : undefined;
  const state = muT ? params.map((p) => b.input(`${p.name}.momentum`, dtype, p.shape)) : [];
  // Plain SGD with one learning rate: the backward pass starts from lr instead of 1, so that it
  // yields lr·g and the update is one Sub per parameter instead of a Mul and a Sub.
  // NOTE: the Mul it saves is a 25 MB pass, 1.0-1.6 ms of a 36-38 ms CIFAR FCN step at batch 512
  // (onnxruntime, 2 cores). The rounding differs: lr·g is formed through every op of the backward
  // pass rather than by one multiplication at the end.
  const folded = muT === undefined && wdT === undefined && lrInputs.length === 1;
  const grads = emitBackward(b, loss, params, { seed: folded ? lr.get(lrInputs[0]) : undefined });
  const nextParams: Tensor[] = [];
  const nextState: Tensor[] = [];
  params.forEach((p, i) => {
    if (folded) {
      nextParams.push(b.emit("Sub", [p, grads[i]], {}, { name: `${p.name}_next` }));
      return;
    }
    const at = (what: string) => ({ name: `${p.name}_update/${what}` });
    // d = g + λ·p (PyTorch adds weight decay to the gradient before momentum)
    const d = wdT
      ? b.emit("Add", [grads[i], b.emit("Mul", [p, wdT], {}, at("decay"))], {}, at("decayed"))
      : grads[i];
    // v' = μ·v + d
    const v = muT
      ? b.emit("Add", [b.emit("Mul", [state[i], muT], {}, at("momentum")), d], {}, {
        name: `${p.name}.momentum_next`,
      })
      : d;
    if (muT) nextState.push(v);
    // p' = p − lr·v'
    const step = b.emit("Mul", [lr.get(lrNames[i])!, v], {}, at("step"));
    nextParams.push(b.emit("Sub", [p, step], {}, { name: `${p.name}_next` }));
  });
  for (const t of [...nextParams, ...nextState]) b.output(t);
  const buffers = b.buffers.filter((n) => b.bufferUpdate(n) !== undefined).map((n) => b.get(n));
  for (const v of buffers) b.output(b.bufferUpdate(v.name)!, `${v.name}_next`);
  b.output(loss);
  if (accuracy) b.output(accuracy);
  return { graph: b.build(), params, state, buffers, lrInputs };
}
