/** Static shape and dtype inference for every op in `OpType`. */
import type { DType } from "./ir.ts";
import { type AttrBag, OP_SCHEMAS, type OpType } from "./ops.ts";
import { batchNormShape, padShape, sliceRanges, spatialOutShape } from "./shape_conv.ts";

/** What inference knows about one input: dtype, shape and, for constants, int values. */
export interface InferInput {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly value?: readonly number[];
}

/** Inferred dtype and shape of one output. */
export interface InferOutput {
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** Numpy-style broadcast of two static shapes; throws RangeError when incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`Expected broadcastable shapes but found [${a}] and [${b}]`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Normalises a possibly negative axis for a tensor of rank `rank`. */
export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= Math.max(rank, 1)) {
    throw new RangeError(`Expected an axis in [${-rank}, ${rank}) but found ${axis}`);
  }
  return a;
}

function constOf(x: InferInput, op: OpType, what: string): readonly number[] {
  if (x.value === undefined) {
    throw new TypeError(`Expected "${what}" of "${op}" to be a constant int64 initializer`);
  }
  return x.value;
}

function same(a: DType, b: DType, op: OpType): DType {
  if (a !== b) throw new TypeError(`Expected equal dtypes in "${op}" but found ${a} and ${b}`);
  return a;
}

const DTYPE_BY_CODE: Readonly<Record<number, DType>> = {
  1: "float32",
  7: "int64",
  9: "bool",
  11: "float64",
};

function reduceShape(x: readonly number[], axes: readonly number[], keep: boolean): number[] {
  const ax = axes.map((a) => normAxis(a, x.length));
  const out: number[] = [];
  x.forEach((d, i) => {
    if (!ax.includes(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return out;
}

/** Axes of a ReduceMean node; absent `axes` reduces over every axis. */
export function reduceMeanAxes(attrs: AttrBag, rank: number): readonly number[] {
  return (attrs.axes as readonly number[] | undefined) ?? Array.from({ length: rank }, (_, i) => i);
}

/** Infers output dtypes and shapes of `op` applied to `xs` with attributes `attrs`. */
export function inferOutputs(op: OpType, xs: readonly InferInput[], attrs: AttrBag): InferOutput[] {
  const int = (k: string, dflt: number) => (attrs[k] as number | undefined) ?? dflt;
  const [a, b] = xs;
  switch (op) {
    case "MatMul": {
      // [..., m, k] x [..., k, n] with the leading (batch) axes broadcast; no 1-D operands
      const [ra, rb] = [a.shape.length, b.shape.length];
      if (ra < 2 || rb < 2 || a.shape[ra - 1] !== b.shape[rb - 2]) {
        throw new RangeError(
          `Expected MatMul of [...,m,k]x[...,k,n] but found [${a.shape}]x[${b.shape}]`,
        );
      }
      const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
      return [{
        dtype: same(a.dtype, b.dtype, op),
        shape: [...batch, a.shape[ra - 2], b.shape[rb - 1]],
      }];
    }
    case "Gemm": {
      const [m, k] = int("transA", 0) ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
      const [k2, n] = int("transB", 0) ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
      if (a.shape.length !== 2 || b.shape.length !== 2 || k !== k2) {
        throw new RangeError(`Expected Gemm inner dims to agree but found ${k} and ${k2}`);
      }
      // NOTE: Gemm broadcasts C one way only: C must broadcast to [m, n] without growing it.
      if (xs[2] && broadcastShapes([m, n], xs[2].shape).join() !== [m, n].join()) {
        throw new RangeError(
          `Expected Gemm C to broadcast to [${m},${n}] but found [${xs[2].shape}]`,
        );
      }
      return [{ dtype: same(a.dtype, b.dtype, op), shape: [m, n] }];
    }
    case "Add":
    case "Sub":
    case "Mul":
    case "Div":
      return [{ dtype: same(a.dtype, b.dtype, op), shape: broadcastShapes(a.shape, b.shape) }];
    case "Greater":
    case "Equal":
      same(a.dtype, b.dtype, op);
      return [{ dtype: "bool", shape: broadcastShapes(a.shape, b.shape) }];
    case "Neg":
    case "Relu":
    case "HardSigmoid":
    case "Identity":
    case "Exp":
    case "Sqrt":
    case "LogSoftmax":
      return [{ dtype: a.dtype, shape: a.shape }];
    case "Cast": {
      const to = DTYPE_BY_CODE[int("to", 0)];
      if (to === undefined) {
        throw new TypeError(`Expected a supported Cast "to" but found ${attrs.to}`);
      }
      return [{ dtype: to, shape: a.shape }];
    }
    case "Reshape": {
      const s = constOf(b, op, "shape");
      const n = a.shape.reduce((p, d) => p * d, 1);
      if (s.some((d) => d <= 0) || s.reduce((p, d) => p * d, 1) !== n) {
        throw new RangeError(`Expected a positive shape with ${n} elements but found [${s}]`);
      }
      return [{ dtype: a.dtype, shape: [...s] }];
    }
    case "Flatten": {
      const ax = int("axis", 1);
      const r = a.shape.length;
      const axis = ax < 0 ? ax + r : ax;
      const lead = a.shape.slice(0, axis).reduce((p, d) => p * d, 1);
      const rest = a.shape.slice(axis).reduce((p, d) => p * d, 1);
      return [{ dtype: a.dtype, shape: [lead, rest] }];
    }
    case "Transpose": {
      const perm = (attrs.perm as readonly number[] | undefined) ??
        a.shape.map((_, i) => a.shape.length - 1 - i);
      return [{ dtype: a.dtype, shape: perm.map((p) => a.shape[p]) }];
    }
    case "Expand":
      return [{ dtype: a.dtype, shape: broadcastShapes(a.shape, constOf(b, op, "shape")) }];
    case "ReduceSum":
      return [{
        dtype: a.dtype,
        shape: reduceShape(a.shape, constOf(b, op, "axes"), int("keepdims", 1) === 1),
      }];
    case "ReduceMean":
      return [{
        dtype: a.dtype,
        shape: reduceShape(
          a.shape,
          reduceMeanAxes(attrs, a.shape.length),
          int("keepdims", 1) === 1,
        ),
      }];
    case "ArgMax":
      return [{
        dtype: "int64",
        shape: reduceShape(a.shape, [int("axis", 0)], int("keepdims", 1) === 1),
      }];
    case "Conv":
    case "ConvTranspose":
      return [{
        dtype: same(a.dtype, b.dtype, op),
        shape: spatialOutShape(op, a.shape, b.shape, attrs, xs[2]?.shape),
      }];
    case "AveragePool":
    case "GlobalAveragePool":
      return [{ dtype: a.dtype, shape: spatialOutShape(op, a.shape, undefined, attrs) }];
    case "BatchNormalization":
      xs.forEach((v) => same(a.dtype, v.dtype, op));
      return [{ dtype: a.dtype, shape: batchNormShape(xs.map((v) => v.shape), attrs) }];
    case "Slice": {
      const axes = xs[3] ? constOf(xs[3], op, "axes") : undefined;
      const steps = xs[4] ? constOf(xs[4], op, "steps") : undefined;
      const r = sliceRanges(
        a.shape,
        constOf(b, op, "starts"),
        constOf(xs[2], op, "ends"),
        axes,
        steps,
      );
      return [{ dtype: a.dtype, shape: r.map((v) => v.count) }];
    }
    case "Gather": {
      if (a.shape.length === 0) throw new RangeError(`Expected Gather data of rank >= 1`);
      const axis = normAxis(int("axis", 0), a.shape.length);
      if (b.dtype !== "int64") {
        throw new TypeError(`Expected int64 Gather indices but found ${b.dtype}`);
      }
      const d = a.shape[axis];
      const bad = b.value?.find((v) => !Number.isInteger(v) || v < -d || v >= d);
      if (bad !== undefined) {
        throw new RangeError(`Expected Gather indices in [${-d}, ${d - 1}] but found ${bad}`);
      }
      return [{
        dtype: a.dtype,
        shape: [...a.shape.slice(0, axis), ...b.shape, ...a.shape.slice(axis + 1)],
      }];
    }
    case "Pad":
      if (xs[2]) same(a.dtype, xs[2].dtype, op);
      return [{ dtype: a.dtype, shape: padShape(a.shape, constOf(b, op, "pads")) }];
  }
}

/** Checks input arity against the schema of `op`. */
export function checkArity(op: OpType, n: number, node: string): void {
  const s = OP_SCHEMAS[op];
  const min = s.inputs.length - s.optional.length;
  if (n < min || n > s.inputs.length) {
    throw new RangeError(
      `Expected ${min}..${s.inputs.length} inputs for "${op}" at node "${node}" but found ${n}`,
    );
  }
}
