/** Shape inference for the spatial ops (Conv, ConvTranspose, pools) and for Slice and Pad. */
import type { AttrBag, OpType } from "./ops.ts";

/** Per-spatial-axis geometry of a convolution or pool; `pads` is [begin…, end…] as in ONNX. */
export interface Spatial {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly pads: readonly number[];
  readonly dilations: readonly number[];
}

/** Reads strides, pads and dilations (defaults 1, 0, 1) for a kernel of spatial shape `kernel`. */
export function spatialOf(attrs: AttrBag, kernel: readonly number[], op: OpType): Spatial {
  const r = kernel.length;
  const ints = (k: string, dflt: number, n: number): readonly number[] => {
    const v = (attrs[k] as readonly number[] | undefined) ?? new Array<number>(n).fill(dflt);
    if (v.length !== n) {
      throw new RangeError(`Expected ${n} values in "${k}" of "${op}" but found ${v.length}`);
    }
    return v;
  };
  const given = attrs.kernel_shape as readonly number[] | undefined;
  if (given !== undefined && given.join() !== kernel.join()) {
    throw new RangeError(`Expected kernel_shape [${kernel}] in "${op}" but found [${given}]`);
  }
  const s: Spatial = {
    kernel,
    strides: ints("strides", 1, r),
    pads: ints("pads", 0, 2 * r),
    dilations: ints("dilations", 1, r),
  };
  if ([...s.strides, ...s.dilations].some((v) => v < 1) || s.pads.some((v) => v < 0)) {
    throw new RangeError(`Expected positive strides and dilations and pads >= 0 in "${op}"`);
  }
  return s;
}

/** Output length of a convolution (or pool, dilation 1) along spatial axis `i`. */
export function convOutLength(input: number, s: Spatial, i: number): number {
  const r = s.kernel.length;
  const span = s.dilations[i] * (s.kernel[i] - 1) + 1;
  return Math.floor((input + s.pads[i] + s.pads[r + i] - span) / s.strides[i]) + 1;
}

/** Output length of a transposed convolution along spatial axis `i`. */
export function convTransposeOutLength(
  input: number,
  s: Spatial,
  outputPadding: number,
  i: number,
): number {
  const r = s.kernel.length;
  const span = s.dilations[i] * (s.kernel[i] - 1) + 1;
  return s.strides[i] * (input - 1) + outputPadding + span - s.pads[i] - s.pads[r + i];
}

function checkRank(op: OpType, x: readonly number[], w?: readonly number[]): void {
  if (x.length < 3 || (w !== undefined && w.length !== x.length)) {
    throw new RangeError(
      `Expected "${op}" input [N,C,…] and weight of equal rank but found [${x}] and [${w}]`,
    );
  }
}

function positive(op: OpType, shape: readonly number[]): number[] {
  if (shape.some((d) => d < 1)) {
    throw new RangeError(`Expected a non-empty "${op}" output but found [${shape}]`);
  }
  return [...shape];
}

/** Output shape of Conv (grouped or not), ConvTranspose (group 1), AveragePool or GlobalAveragePool. */
export function spatialOutShape(
  op: OpType,
  x: readonly number[],
  w: readonly number[] | undefined,
  attrs: AttrBag,
  bias?: readonly number[],
): number[] {
  checkRank(op, x, w);
  const m = op === "Conv" ? w![0] : w?.[1];
  if (bias !== undefined && (bias.length !== 1 || bias[0] !== m)) {
    throw new RangeError(`Expected a "${op}" bias [${m}] but found [${bias}]`);
  }
  const group = (attrs.group as number | undefined) ?? 1;
  if (group !== 1 && op !== "Conv") {
    throw new RangeError(`Expected group 1 in "${op}" but found ${group}`);
  }
  const sp = x.slice(2);
  switch (op) {
    case "Conv": {
      // group g: W is [M, C/g, …]; output channel m reads the C/g input channels of group ⌊m·g/M⌋
      if (!Number.isInteger(group) || group < 1 || x[1] % group !== 0 || w![0] % group !== 0) {
        throw new RangeError(
          `Expected a Conv group dividing ${x[1]} input and ${
            w![0]
          } output channels but found ${group}`,
        );
      }
      if (w![1] !== x[1] / group) {
        throw new RangeError(`Expected Conv weight [M,${x[1] / group},…] but found [${w}]`);
      }
      const s = spatialOf(attrs, w!.slice(2), op);
      return positive(op, [x[0], w![0], ...sp.map((d, i) => convOutLength(d, s, i))]);
    }
    case "ConvTranspose": {
      if (w![0] !== x[1]) {
        throw new RangeError(`Expected ConvTranspose weight [${x[1]},M,…] but found [${w}]`);
      }
      const s = spatialOf(attrs, w!.slice(2), op);
      const op_ = (attrs.output_padding as readonly number[] | undefined) ?? sp.map(() => 0);
      op_.forEach((p, i) => {
        // below the stride, as ONNX Runtime requires (PyTorch also allows up to the dilation)
        if (p < 0 || p >= s.strides[i]) {
          throw new RangeError(
            `Expected output_padding below the stride in "${op}" but found ${p}`,
          );
        }
      });
      return positive(op, [
        x[0],
        w![1],
        ...sp.map((d, i) => convTransposeOutLength(d, s, op_[i], i)),
      ]);
    }
    case "AveragePool": {
      const kernel = attrs.kernel_shape as readonly number[] | undefined;
      if (kernel === undefined || kernel.length !== sp.length) {
        throw new RangeError(`Expected kernel_shape of length ${sp.length} in "${op}"`);
      }
      if (((attrs.ceil_mode as number | undefined) ?? 0) !== 0) {
        throw new RangeError(`Expected ceil_mode 0 in "${op}"`);
      }
      const s = spatialOf(attrs, kernel, op);
      return positive(op, [x[0], x[1], ...sp.map((d, i) => convOutLength(d, s, i))]);
    }
    default:
      return [x[0], x[1], ...sp.map(() => 1)];
  }
}

/** One axis of a Slice: first index, number of elements taken and (positive) step. */
export interface SliceAxis {
  readonly start: number;
  readonly count: number;
  readonly step: number;
}

/** Resolved range of every axis of a Slice with positive steps, clamped as ONNX does. */
export function sliceRanges(
  shape: readonly number[],
  starts: readonly number[],
  ends: readonly number[],
  axes: readonly number[] | undefined,
  steps: readonly number[] | undefined,
): SliceAxis[] {
  const out: SliceAxis[] = shape.map((d) => ({ start: 0, count: d, step: 1 }));
  const ax = axes ?? starts.map((_, i) => i);
  const st = steps ?? starts.map(() => 1);
  if (starts.length !== ends.length || ax.length !== starts.length || st.length !== ax.length) {
    throw new RangeError(`Expected equal lengths of Slice starts, ends, axes and steps`);
  }
  ax.forEach((a0, k) => {
    const a = a0 < 0 ? a0 + shape.length : a0;
    const d = shape[a];
    if (st[k] < 1) throw new RangeError(`Expected positive Slice steps but found ${st[k]}`);
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
    const [b, e] = [clamp(starts[k]), clamp(ends[k])];
    out[a] = { start: b, count: Math.max(0, Math.ceil((e - b) / st[k])), step: st[k] };
  });
  return out;
}

/** Output shape of a constant-mode Pad with non-negative pads [begin…, end…]. */
export function padShape(shape: readonly number[], pads: readonly number[]): number[] {
  const r = shape.length;
  if (pads.length !== 2 * r || pads.some((p) => p < 0)) {
    throw new RangeError(`Expected ${2 * r} non-negative Pad pads but found [${pads}]`);
  }
  return shape.map((d, i) => d + pads[i] + pads[r + i]);
}

/** Output shape of inference-mode BatchNormalization: X's, with [C] per-channel inputs. */
export function batchNormShape(shapes: readonly (readonly number[])[], attrs: AttrBag): number[] {
  if (((attrs.training_mode as number | undefined) ?? 0) !== 0) {
    throw new RangeError(
      `Expected "BatchNormalization" training_mode 0 (training BN is emitted as primitives)`,
    );
  }
  const [x, ...rest] = shapes;
  for (const v of rest) {
    if (v.length !== 1 || v[0] !== x[1]) {
      throw new RangeError(
        `Expected "BatchNormalization" per-channel inputs [${x[1]}] but found [${v}]`,
      );
    }
  }
  return [...x];
}
