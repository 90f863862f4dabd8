/** Types shared by gradient rules, the registry and `emitBackward`. */
import type { Node } from "../onnx/ir.ts";
import type { InputName, OpAttrs, OpType } from "../onnx/ops.ts";
import type { Tensor } from "./builder.ts";

/** Raised when a gradient cannot be built (missing rule, wrong shape from a rule). */
export class GradientError extends Error {
  override name = "GradientError";
}

/** What a rule may emit into: the subset of the builder that `unbroadcast` also uses. */
export interface Emitter {
  /** Emits `op`; the node is named `<node>_grad/<what>` (`what` defaults to `<op><k>`). */
  emit<P extends OpType>(
    op: P,
    inputs: readonly Tensor[],
    attrs?: OpAttrs<P>,
    what?: string,
  ): Tensor;
  /** Int64 vector constant named `<node>_grad/<what>`. */
  int64s(what: string, values: readonly number[]): Tensor;
  /** Scalar constant of the gradient's dtype named `<node>_grad/<what>`. */
  scalar(what: string, value: number): Tensor;
  /** Constant of the gradient's dtype and the given shape named `<node>_grad/<what>`. */
  constant(what: string, shape: readonly number[], values: ArrayLike<number>): Tensor;
}

/** View of one forward node handed to its gradient rule. */
export interface GradContext<O extends OpType> extends Emitter {
  readonly node: Node;
  /** Whether a gradient for this input is wanted (it depends on a `wrt` tensor). */
  needs(input: InputName<O>): boolean;
  /** Whether an optional input is present. */
  has(input: InputName<O>): boolean;
  /** The forward tensor bound to a named input. */
  input(input: InputName<O>): Tensor;
  /** Values of an input that is an int64 constant (shapes, axes); throws otherwise. */
  ints(input: InputName<O>): readonly number[];
  /** The forward output (single-output ops: index 0). */
  output(index?: number): Tensor;
  /** The summed incoming gradient of an output. */
  dY(index?: number): Tensor;
  /** The attribute value, or `dflt` when absent. */
  attr<K extends keyof OpAttrs<O>>(
    name: K,
    dflt: NonNullable<OpAttrs<O>[K]>,
  ): NonNullable<OpAttrs<O>[K]>;
  /** Sums `t` over broadcast axes so that it takes the shape of `like`. */
  unbroadcast(t: Tensor, like: Tensor): Tensor;
}

/**
 * What the rule of a gradient region (`GraphBuilder.withGradient`) sees: an emitter naming nodes
 * `<region>_grad/<what>`, the incoming gradients of the region's outputs and which of its inputs
 * need a gradient.
 */
export interface RegionGradContext extends Emitter {
  /** Whether input `i` (in the order given to `withGradient`) needs a gradient. */
  needs(i: number): boolean;
  /** The summed incoming gradient of output `i`; throws when no gradient reaches it. */
  dY(i?: number): Tensor;
  /** Sums `t` over broadcast axes so that it takes the shape of `like`. */
  unbroadcast(t: Tensor, like: Tensor): Tensor;
}

/** A region's gradient rule: one gradient (or null) per region input, in order. */
export type RegionGrad = (g: RegionGradContext) => readonly (Tensor | null)[];

/** Gradients returned by a rule: one per named input, `null` or absent for none. */
export type GradResult<O extends OpType> = Partial<Record<InputName<O>, Tensor | null>>;

/** One op's gradient rule. */
export interface GradRule<O extends OpType = OpType> {
  readonly op: O;
  readonly grad: (g: GradContext<O>) => GradResult<O>;
}

/** Marker for ops whose outputs are discrete (bool, int64): zero gradient, nothing to emit. */
export interface NoGrad {
  readonly kind: "no_grad";
}

/** The single `NoGrad` marker. */
export const NO_GRAD: NoGrad = { kind: "no_grad" };

/** Registry shape: each op maps to its own rule or `NO_GRAD`. */
export type GradRegistry = { readonly [K in OpType]: GradRule<K> | NoGrad };

/** A registry some ops may be missing from (tests; future ops). */
export type PartialGradRegistry = { readonly [K in OpType]?: GradRule<K> | NoGrad };
