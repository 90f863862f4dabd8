/** Typed graph builder: emits ONNX nodes with static shape inference and deterministic names. */
import {
  type DType,
  DTYPE_CODE,
  type Graph,
  type Initializer,
  type Node,
  type TensorData,
  type ValueInfo,
} from "../onnx/ir.ts";
import type { AttrBag, OpAttrs, OpType } from "../onnx/ops.ts";
import { checkArity, inferOutputs } from "../onnx/shape.ts";
import type { RegionGrad } from "./grad_rule.ts";

/** A value in the graph under construction. */
export type Tensor = ValueInfo;

/** Per-emit options: the node name (its single output takes the same name) and a math comment. */
export interface EmitOptions {
  readonly name?: string;
  readonly doc?: string;
}

/**
 * A composite whose backward is one hand-written rule instead of its nodes' rules (like
 * `torch.autograd.Function` or TF's `custom_gradient`), recorded by `GraphBuilder.withGradient`.
 */
export interface GradientRegion {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  /** Its nodes are `nodes[from]` up to, not including, `nodes[to]`. */
  readonly from: number;
  readonly to: number;
  readonly grad: RegionGrad;
}

/** ONNX `to` code for Cast. */
export function castCode(dtype: DType): number {
  return DTYPE_CODE[dtype];
}

/** Accumulates inputs, initializers and nodes; `build()` returns an immutable `Graph`. */
export class GraphBuilder {
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  readonly initializers: Initializer[] = [];
  readonly nodes: Node[] = [];
  /** Names of inputs declared with `param()`, in declaration order. */
  readonly params: string[] = [];
  /** Names of inputs declared with `buffer()` (state such as BN running statistics). */
  readonly buffers: string[] = [];
  /** Gradient regions in emission order (see `withGradient`). */
  readonly regions: GradientRegion[] = [];
  private open = false;
  private readonly bufferNext = new Map<string, Tensor>();
  private readonly values = new Map<string, Tensor>();
  private readonly ints = new Map<string, readonly number[]>();
  private readonly nodeNames = new Map<string, true>();
  private counter = 0;

  constructor(readonly name: string) {}

  private declare(v: Tensor): Tensor {
    if (this.values.has(v.name)) {
      throw new RangeError(`Expected a new tensor name but found "${v.name}"`);
    }
    this.values.set(v.name, v);
    return v;
  }

  /** Declares a graph input. */
  input(name: string, dtype: DType, shape: readonly number[]): Tensor {
    const v = this.declare({ name, dtype, shape: [...shape] });
    this.inputs.push(v);
    return v;
  }

  /** Declares a trainable parameter: a graph input that `trainStep` updates. */
  param(name: string, dtype: DType, shape: readonly number[]): Tensor {
    this.params.push(name);
    return this.input(name, dtype, shape);
  }

  /**
   * Declares non-trainable state: a graph input that a training step carries forward through
   * `<name>_next` once `updateBuffer` has set its next value (PyTorch's registered buffers).
   */
  buffer(name: string, dtype: DType, shape: readonly number[]): Tensor {
    this.buffers.push(name);
    return this.input(name, dtype, shape);
  }

  /** Records the next value of buffer `name` (shape and dtype must match). */
  updateBuffer(name: string, next: Tensor): void {
    const v = this.get(name);
    if (!this.buffers.includes(name)) throw new RangeError(`Expected a buffer but found "${name}"`);
    if (this.bufferNext.has(name)) throw new RangeError(`Expected one update of "${name}"`);
    if (v.dtype !== next.dtype || v.shape.join() !== next.shape.join()) {
      throw new RangeError(
        `Expected "${next.name}" to be ${v.dtype}[${v.shape}] but found ${next.dtype}[${next.shape}]`,
      );
    }
    this.bufferNext.set(name, next);
  }

  /** Next value of buffer `name`, if one was recorded. */
  bufferUpdate(name: string): Tensor | undefined {
    return this.bufferNext.get(name);
  }

  /** Adds a constant initializer. Int64 constants are remembered for shape inference. */
  constant(name: string, dtype: DType, shape: readonly number[], data: TensorData): Tensor {
    const n = shape.reduce((p, d) => p * d, 1);
    if (data.length !== n) {
      throw new RangeError(`Expected ${n} values for "${name}" but found ${data.length}`);
    }
    const v = this.declare({ name, dtype, shape: [...shape] });
    this.initializers.push({ ...v, data });
    if (data instanceof BigInt64Array) this.ints.set(name, Array.from(data, Number));
    return v;
  }

  /** Int64 vector constant (shapes, axes). */
  int64s(name: string, values: readonly number[]): Tensor {
    return this.constant(name, "int64", [values.length], BigInt64Array.from(values, BigInt));
  }

  /** Scalar constant of a float dtype. */
  scalar(name: string, dtype: DType, value: number): Tensor {
    const data = dtype === "float32" ? new Float32Array([value]) : new Float64Array([value]);
    return this.constant(name, dtype, [], data);
  }

  /** Looks up a declared tensor by name. */
  get(name: string): Tensor {
    const v = this.values.get(name);
    if (v === undefined) throw new RangeError(`Expected tensor "${name}" to be declared`);
    return v;
  }

  /** Constant int64 values of `name`, if it is an int64 initializer. */
  intsOf(name: string): readonly number[] | undefined {
    return this.ints.get(name);
  }

  /** Emits one node with a single output; infers the output dtype and shape. */
  emit<O extends OpType>(
    op: O,
    inputs: readonly (Tensor | string)[],
    attrs: OpAttrs<O> = {} as OpAttrs<O>,
    opts: EmitOptions = {},
  ): Tensor {
    const name = opts.name ?? `${op}_${this.counter++}`;
    if (this.nodeNames.has(name)) {
      throw new RangeError(`Expected a new node name but found "${name}"`);
    }
    checkArity(op, inputs.length, name);
    const xs = inputs.map((t) => this.get(typeof t === "string" ? t : t.name));
    const infer = xs.map((x) => ({ ...x, value: this.ints.get(x.name) }));
    const bag = attrs as AttrBag;
    const [out] = inferOutputs(op, infer, bag);
    const y = this.declare({ name, dtype: out.dtype, shape: out.shape });
    this.nodeNames.set(name, true);
    const node: Node = { name, op, inputs: xs.map((x) => x.name), outputs: [name], attrs: bag };
    this.nodes.push(opts.doc === undefined ? node : { ...node, doc: opts.doc });
    return y;
  }

  /**
   * Emits `body` (the forward composite, reading `inputs`) and records that backward passes
   * differentiate its outputs with `grad` instead of its nodes' rules. Tensors made inside may be
   * read later by nodes that take no gradient (running statistics); a gradient reaching one of
   * them, other than through the outputs, is an error at `emitBackward`, and so is a tensor the
   * body reads from outside that needs a gradient but is not in `inputs`. Regions do not nest.
   */
  withGradient(
    name: string,
    inputs: readonly Tensor[],
    body: () => readonly Tensor[],
    grad: RegionGrad,
  ): Tensor[] {
    if (this.open) {
      throw new RangeError(`Expected gradient regions not to nest but found "${name}"`);
    }
    const from = this.nodes.length;
    this.open = true;
    let outputs: readonly Tensor[];
    try {
      outputs = body();
    } finally {
      this.open = false;
    }
    const made = new Set(this.nodes.slice(from).flatMap((n) => n.outputs));
    const stray = outputs.find((t) => !made.has(t.name));
    if (stray !== undefined) {
      throw new RangeError(
        `Expected output "${stray.name}" of gradient region "${name}" to be made inside it`,
      );
    }
    this.regions.push({
      name,
      inputs: [...inputs],
      outputs: [...outputs],
      from,
      to: this.nodes.length,
      grad,
    });
    return [...outputs];
  }

  /** Marks a tensor as a graph output (optionally renaming it through Identity). */
  output(t: Tensor, as?: string): Tensor {
    const v = as === undefined || as === t.name ? t : this.emit("Identity", [t], {}, { name: as });
    this.outputs.push(v);
    return v;
  }

  /** Snapshot of the graph built so far. */
  build(): Graph {
    return {
      name: this.name,
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      initializers: [...this.initializers],
      nodes: [...this.nodes],
    };
  }
}
