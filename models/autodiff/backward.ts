/** Reverse-mode autodiff over a `GraphBuilder`: appends the backward graph in place. */
import type { DType, Node } from "../onnx/ir.ts";
import { type InputName, OP_SCHEMAS, type OpAttrs, type OpType } from "../onnx/ops.ts";
import type { GradientRegion, GraphBuilder, Tensor } from "./builder.ts";
import {
  type Emitter,
  type GradContext,
  GradientError,
  type GradResult,
  type GradRule,
  type PartialGradRegistry,
  type RegionGradContext,
} from "./grad_rule.ts";
import { GRADS } from "./grads/mod.ts";
import { unbroadcast } from "./unbroadcast.ts";

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function contextFor<O extends OpType>(
  b: GraphBuilder,
  node: Node,
  dYs: readonly (Tensor | undefined)[],
  requires: (name: string) => boolean,
): GradContext<O> {
  const names = OP_SCHEMAS[node.op].inputs as readonly string[];
  const dtype = dYs.find((t) => t !== undefined)!.dtype;
  const slot = (input: string): number => {
    const i = names.indexOf(input);
    if (i < 0) {
      throw new GradientError(`Expected an input name of "${node.op}" but found "${input}"`);
    }
    return i;
  };
  return {
    ...emitterFor(b, `${node.name}_grad`, dtype),
    node,
    needs: (input) => slot(input) < node.inputs.length && requires(node.inputs[slot(input)]),
    has: (input) => slot(input) < node.inputs.length,
    input: (input) => b.get(node.inputs[slot(input)]),
    ints: (input) => {
      const v = b.intsOf(node.inputs[slot(input)]);
      if (v === undefined) {
        throw new GradientError(`Expected input "${input}" of node "${node.name}" to be constant`);
      }
      return v;
    },
    output: (i = 0) => b.get(node.outputs[i]),
    dY: (i = 0) => {
      const t = dYs[i];
      if (t === undefined) {
        throw new GradientError(`Expected a gradient for output ${i} of "${node.name}"`);
      }
      return t;
    },
    attr: (name, dflt) => (node.attrs[name as string] ?? dflt) as typeof dflt,
  };
}

/** Emitter whose nodes and constants are named `<prefix>/<what>`, constants in `dtype`. */
function emitterFor(b: GraphBuilder, prefix: string, dtype: DType) {
  let counter = 0;
  const e: Emitter & { unbroadcast(t: Tensor, like: Tensor): Tensor } = {
    emit: <P extends OpType>(op: P, inputs: readonly Tensor[], attrs?: OpAttrs<P>, what?: string) =>
      b.emit(op, inputs, attrs, { name: `${prefix}/${what ?? `${op}${counter++}`}` }),
    int64s: (what, values) => b.int64s(`${prefix}/${what}`, values),
    scalar: (what, value) => b.scalar(`${prefix}/${what}`, dtype, value),
    constant: (what, shape, values) =>
      b.constant(
        `${prefix}/${what}`,
        dtype,
        shape,
        dtype === "float32" ? Float32Array.from(values) : Float64Array.from(values),
      ),
    unbroadcast: (t, like) => unbroadcast(e, t, like.shape, `unbroadcast${counter++}`),
  };
  return e;
}

/** Tensors that depend on a `wrt` tensor through differentiable ops (forward sweep). */
function markRequired(
  nodes: readonly Node[],
  wrt: readonly Tensor[],
  rules: PartialGradRegistry,
): Map<string, true> {
  const req = new Map<string, true>();
  for (const w of wrt) req.set(w.name, true);
  for (const n of nodes) {
    const r = rules[n.op];
    if (r !== undefined && !("grad" in r)) continue;
    if (n.inputs.some((x) => req.has(x))) { for (const y of n.outputs) req.set(y, true); }
  }
  return req;
}

/** Gradient contributions per tensor, summed once (Add chain ending in `<tensor>_grad`). */
class Accumulator {
  private readonly parts = new Map<string, Tensor[]>();
  private readonly sums = new Map<string, Tensor>();

  constructor(private readonly b: GraphBuilder) {}

  has(name: string): boolean {
    return this.parts.has(name);
  }

  add(name: string, t: Tensor): void {
    this.parts.set(name, [...(this.parts.get(name) ?? []), t]);
  }

  sum(name: string): Tensor | undefined {
    const cached = this.sums.get(name);
    if (cached !== undefined) return cached;
    const list = this.parts.get(name) ?? [];
    if (list.length === 0) return undefined;
    let acc = list[0];
    for (let k = 1; k < list.length; k++) {
      const id = k === list.length - 1 ? `${name}_grad` : `${name}_grad/acc${k}`;
      acc = this.b.emit("Add", [acc, list[k]], {}, { name: id });
    }
    this.sums.set(name, acc);
    return acc;
  }
}

/** Runs the rule of `node` and records each returned input gradient after checking its shape. */
function backpropNode(
  b: GraphBuilder,
  node: Node,
  rule: GradRule<OpType>,
  acc: Accumulator,
  req: Map<string, true>,
): void {
  const dYs = node.outputs.map((y) => acc.sum(y));
  const result: GradResult<OpType> = rule.grad(contextFor(b, node, dYs, (x) => req.has(x)));
  const names = OP_SCHEMAS[node.op].inputs as readonly string[];
  for (const key of Object.keys(result)) {
    const j = names.indexOf(key);
    if (j < 0) {
      throw new GradientError(`Expected an input name of "${node.op}" but found "${key}"`);
    }
    const g = result[key as InputName<OpType>];
    if (g === null || g === undefined || j >= node.inputs.length || !req.has(node.inputs[j])) {
      continue;
    }
    const x = b.get(node.inputs[j]);
    if (!sameShape(g.shape, x.shape) || g.dtype !== x.dtype) {
      throw new GradientError(
        `Expected gradient of "${x.name}" at node "${node.name}" to be ${x.dtype}[${x.shape}] but found ${g.dtype}[${g.shape}]`,
      );
    }
    acc.add(x.name, g);
  }
}

/**
 * Runs the rule of gradient region `r` in place of its nodes' rules: checks that no gradient
 * reached a tensor made inside it other than its outputs, then records its inputs' gradients.
 */
function backpropRegion(
  b: GraphBuilder,
  r: GradientRegion,
  acc: Accumulator,
  req: Map<string, true>,
): void {
  const outs = new Set(r.outputs.map((t) => t.name));
  const nodes = b.nodes.slice(r.from, r.to);
  const made = new Set(nodes.flatMap((n) => n.outputs));
  const declared = new Set(r.inputs.map((t) => t.name));
  for (const n of nodes) {
    const leak = n.outputs.find((y) => !outs.has(y) && acc.has(y));
    if (leak !== undefined) {
      throw new GradientError(
        `Expected gradients to leave region "${r.name}" through its outputs only but "${leak}" ` +
          `made inside it has one`,
      );
    }
    // a tensor read from outside that needs a gradient would get none from the region's rule
    const hidden = n.inputs.find((x) => !made.has(x) && !declared.has(x) && req.has(x));
    if (hidden !== undefined) {
      throw new GradientError(
        `Expected region "${r.name}" to list "${hidden}", which it reads and which needs a ` +
          `gradient, among its inputs`,
      );
    }
  }
  const dYs = r.outputs.map((t) => acc.sum(t.name));
  const dtype = dYs.find((t) => t !== undefined)!.dtype;
  const ctx: RegionGradContext = {
    ...emitterFor(b, `${r.name}_grad`, dtype),
    needs: (i) => i >= 0 && i < r.inputs.length && req.has(r.inputs[i].name),
    dY: (i = 0) => {
      const t = dYs[i];
      if (t === undefined) {
        throw new GradientError(`Expected a gradient for output ${i} of region "${r.name}"`);
      }
      return t;
    },
  };
  const grads = r.grad(ctx);
  if (grads.length !== r.inputs.length) {
    throw new GradientError(
      `Expected ${r.inputs.length} gradients from region "${r.name}" but found ${grads.length}`,
    );
  }
  grads.forEach((g, j) => {
    const x = r.inputs[j];
    if (g === null || !req.has(x.name)) return;
    if (!sameShape(g.shape, x.shape) || g.dtype !== x.dtype) {
      throw new GradientError(
        `Expected gradient of "${x.name}" from region "${r.name}" to be ${x.dtype}[${x.shape}] but found ${g.dtype}[${g.shape}]`,
      );
    }
    acc.add(x.name, g);
  });
}

/** How `emitBackward` differentiates. */
export interface BackwardOptions {
  /** Gradient rules by op (default: the registry of grads/mod.ts). */
  readonly rules?: PartialGradRegistry;
  /**
   * A scalar tensor s of the loss's dtype, e.g. a learning rate: the pass starts from ∂loss = s
   * instead of 1 and returns s·∂loss/∂w, so the scaling costs one scalar instead of a pass over
   * every gradient.
   */
  readonly seed?: Tensor;
}

/**
 * Appends the gradient of the scalar `loss` with respect to each of `wrt` to the builder and
 * returns those gradients, named `<wrt>_grad`, in the order of `wrt`. Nodes are visited in
 * reverse emission order (a topological order); gradients are summed at fan-out.
 */
export function emitBackward(
  b: GraphBuilder,
  loss: Tensor,
  wrt: readonly Tensor[],
  { rules = GRADS, seed }: BackwardOptions = {},
): Tensor[] {
  if (loss.shape.length !== 0) {
    throw new RangeError(`Expected a scalar loss "${loss.name}" but found shape [${loss.shape}]`);
  }
  if (seed !== undefined && (seed.shape.length !== 0 || seed.dtype !== loss.dtype)) {
    throw new RangeError(
      `Expected a scalar ${loss.dtype} seed but found "${seed.name}" ${seed.dtype}[${seed.shape}]`,
    );
  }
  const forward = [...b.nodes];
  const req = markRequired(forward, wrt, rules);
  const acc = new Accumulator(b);
  acc.add(loss.name, seed ?? b.scalar(`${loss.name}_grad`, loss.dtype, 1));
  // NOTE: regions were recorded over the forward nodes, so their indices hold in `forward`.
  const regionAt = new Map<number, GradientRegion>();
  for (const r of b.regions) for (let i = r.from; i < r.to; i++) regionAt.set(i, r);
  for (let i = forward.length - 1; i >= 0; i--) {
    const region = regionAt.get(i);
    if (region !== undefined) {
      const reached = region.outputs.some((t) => acc.has(t.name));
      if (reached && region.inputs.some((x) => req.has(x.name))) {
        backpropRegion(b, region, acc, req);
      }
      i = region.from;
      continue;
    }
    const node = forward[i];
    if (!node.outputs.some((y) => acc.has(y)) || !node.inputs.some((x) => req.has(x))) continue;
    const rule = rules[node.op];
    if (rule === undefined) {
      throw new GradientError(`No gradient rule for op "${node.op}" at node "${node.name}"`);
    }
    if ("grad" in rule) backpropNode(b, node, rule as GradRule<OpType>, acc, req);
  }
  return wrt.map((w) => {
    const s = acc.sum(w.name) ??
      b.constant(`${w.name}_grad/zero`, w.dtype, w.shape, zeros(w.dtype, w.shape));
    return s.name === `${w.name}_grad`
      ? s
      : b.emit("Identity", [s], {}, { name: `${w.name}_grad` });
  });
}

function zeros(dtype: Tensor["dtype"], shape: readonly number[]) {
  const n = shape.reduce((p, d) => p * d, 1);
  return dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
}
