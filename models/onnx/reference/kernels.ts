/** Direct-loop float64 kernels, one per op in `OpType`. */
import type { AttrBag, OpType } from "../ops.ts";
import { broadcastShapes, inferOutputs, normAxis, reduceMeanAxes } from "../shape.ts";
import { broadcastIndex, numel, type RefTensor, roundTo, stridesOf } from "./tensor.ts";
import * as spatial from "./spatial.ts";

type Binary = (a: number, b: number) => number;

const BINARY: Readonly<Record<string, Binary>> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Greater: (a, b) => (a > b ? 1 : 0),
  Equal: (a, b) => (a === b ? 1 : 0),
};

const UNARY: Readonly<Record<string, (x: number) => number>> = {
  Neg: (x) => -x,
  Relu: (x) => (x > 0 ? x : 0),
  Identity: (x) => x,
  Exp: Math.exp,
  Sqrt: Math.sqrt,
  Cast: (x) => x,
  Reshape: (x) => x,
  Flatten: (x) => x,
};

/** max(0, min(1, αx + β)); α and β are float attributes, rounded like Gemm's. */
function hardSigmoid(a: RefTensor, at: AttrBag): Float64Array {
  const alpha = Math.fround((at.alpha as number | undefined) ?? 0.2);
  const beta = Math.fround((at.beta as number | undefined) ?? 0.5);
  return a.data.map((x) => Math.max(0, Math.min(1, alpha * x + beta)));
}

function binary(f: Binary, a: RefTensor, b: RefTensor, shape: readonly number[]): Float64Array {
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const out = new Float64Array(ia.length);
  for (let k = 0; k < out.length; k++) out[k] = f(a.data[ia[k]], b.data[ib[k]]);
  return out;
}

function gemm(a: RefTensor, b: RefTensor, c: RefTensor | undefined, at: AttrBag): Float64Array {
  const tA = at.transA === 1;
  const tB = at.transB === 1;
  // NOTE: ONNX stores float attributes as float32, so alpha and beta are rounded like ORT does.
  const alpha = Math.fround((at.alpha as number | undefined) ?? 1);
  const beta = Math.fround((at.beta as number | undefined) ?? 1);
  const [m, k] = tA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const n = tB ? b.shape[0] : b.shape[1];
  const out = new Float64Array(m * n);
  const ic = c ? broadcastIndex(c.shape, [m, n]) : undefined;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = tA ? a.data[p * m + i] : a.data[i * k + p];
        const bv = tB ? b.data[j * k + p] : b.data[p * n + j];
        s += av * bv;
      }
      out[i * n + j] = alpha * s + (c && ic ? beta * c.data[ic[i * n + j]] : 0);
    }
  }
  return out;
}

/** MatMul of [..., m, k] and [..., k, n] with broadcast leading axes: one gemm per batch index. */
function matMul(a: RefTensor, b: RefTensor, shape: readonly number[]): Float64Array {
  const [m, n] = shape.slice(-2);
  const k = a.shape.at(-1)!;
  const batch = shape.slice(0, -2);
  // index of each batch entry's matrix in a and b (their leading axes broadcast to `batch`)
  const ia = broadcastIndex([...a.shape.slice(0, -2), 1, 1], [...batch, 1, 1]);
  const ib = broadcastIndex([...b.shape.slice(0, -2), 1, 1], [...batch, 1, 1]);
  const out = new Float64Array(numel(shape));
  for (let t = 0; t < ia.length; t++) {
    const one = gemm(
      { dtype: a.dtype, shape: [m, k], data: a.data.subarray(ia[t] * m * k, (ia[t] + 1) * m * k) },
      { dtype: b.dtype, shape: [k, n], data: b.data.subarray(ib[t] * k * n, (ib[t] + 1) * k * n) },
      undefined,
      {},
    );
    out.set(one, t * m * n);
  }
  return out;
}

function transpose(x: RefTensor, perm: readonly number[], shape: readonly number[]): Float64Array {
  const xs = stridesOf(x.shape);
  const out = new Float64Array(x.data.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < out.length; k++) {
    let off = 0;
    for (let i = 0; i < shape.length; i++) off += idx[i] * xs[perm[i]];
    out[k] = x.data[off];
    for (let i = shape.length - 1; i >= 0; i--) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

/** Sums (or averages) along `axes`; the keepdims layout equals the squeezed one in memory. */
function reduce(x: RefTensor, axes: readonly number[], mean: boolean): Float64Array {
  const ax = axes.map((a) => normAxis(a, x.shape.length));
  const kept = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const out = new Float64Array(numel(kept));
  const idx = broadcastIndex(kept, x.shape);
  for (let k = 0; k < x.data.length; k++) out[idx[k]] += x.data[k];
  const count = x.data.length / Math.max(out.length, 1);
  return mean ? out.map((v) => v / count) : out;
}

/** Iterates 1-D lanes along `axis`, handing each lane's element offsets to `f`. */
function lanes(shape: readonly number[], axis: number, f: (offs: number[]) => void): void {
  const st = stridesOf(shape);
  const len = shape[axis];
  const outer = numel(shape.slice(0, axis));
  const inner = numel(shape.slice(axis + 1));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      f(Array.from({ length: len }, (_, j) => base + j * st[axis]));
    }
  }
}

function logSoftmax(x: RefTensor, axis: number): Float64Array {
  const out = new Float64Array(x.data.length);
  lanes(x.shape, normAxis(axis, x.shape.length), (offs) => {
    const m = Math.max(...offs.map((o) => x.data[o]));
    const lse = m + Math.log(offs.reduce((s, o) => s + Math.exp(x.data[o] - m), 0));
    for (const o of offs) out[o] = x.data[o] - lse;
  });
  return out;
}

function argMax(x: RefTensor, axis: number): Float64Array {
  const res: number[] = [];
  lanes(x.shape, normAxis(axis, x.shape.length), (offs) => {
    let best = 0;
    offs.forEach((o, j) => {
      if (x.data[o] > x.data[offs[best]]) best = j;
    });
    res.push(best);
  });
  return Float64Array.from(res);
}

/** Evaluates one node in float64; `xs` are its inputs in schema order. */
export function evalNode(op: OpType, xs: readonly RefTensor[], attrs: AttrBag): RefTensor {
  const infer = xs.map((x) => ({
    dtype: x.dtype,
    shape: x.shape,
    value: x.dtype === "int64" ? [...x.data] : undefined,
  }));
  const [{ dtype, shape }] = inferOutputs(op, infer, attrs);
  const [a, b] = xs;
  let data: Float64Array;
  if (op in BINARY) data = binary(BINARY[op], a, b, broadcastShapes(a.shape, b.shape));
  else if (op in UNARY) data = a.data.map(UNARY[op]);
  else if (op === "HardSigmoid") data = hardSigmoid(a, attrs);
  else if (op === "MatMul") data = matMul(a, b, shape);
  else if (op === "Gemm") data = gemm(a, b, xs[2], attrs);
  else if (op === "Transpose") {
    const perm = (attrs.perm as readonly number[] | undefined) ??
      a.shape.map((_, i) => a.shape.length - 1 - i);
    data = transpose(a, perm, shape);
  } else if (op === "Expand") data = expand(a, shape);
  else if (op === "ReduceSum") data = reduce(a, [...b.data], false);
  else if (op === "ReduceMean") {
    data = reduce(a, reduceMeanAxes(attrs, a.shape.length), true);
  } else if (op === "LogSoftmax") data = logSoftmax(a, (attrs.axis as number | undefined) ?? -1);
  else if (op === "ArgMax") data = argMax(a, (attrs.axis as number | undefined) ?? 0);
  else if (op === "Conv") data = spatial.conv(a, b, xs[2], attrs, shape);
  else if (op === "ConvTranspose") data = spatial.convTranspose(a, b, xs[2], attrs, shape);
  else if (op === "AveragePool") data = spatial.averagePool(a, attrs, shape);
  else if (op === "GlobalAveragePool") data = spatial.globalAveragePool(a);
  else if (op === "BatchNormalization") data = spatial.batchNormalization(xs, attrs);
  else if (op === "Slice") data = spatial.slice(xs);
  else if (op === "Pad") data = spatial.pad(xs);
  else if (op === "Gather") data = gather(a, b, (attrs.axis as number | undefined) ?? 0);
  else throw new TypeError(`Expected an op with a reference kernel but found "${op}"`);
  return { dtype, shape, data: roundTo(dtype, data) };
}

function gather(x: RefTensor, idx: RefTensor, axis: number): Float64Array {
  const ax = normAxis(axis, x.shape.length);
  const d = x.shape[ax];
  const outer = numel(x.shape.slice(0, ax));
  const inner = numel(x.shape.slice(ax + 1));
  const out = new Float64Array(outer * idx.data.length * inner);
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (const raw of idx.data) {
      const k = raw < 0 ? raw + d : raw;
      out.set(x.data.subarray((a * d + k) * inner, (a * d + k + 1) * inner), o);
      o += inner;
    }
  }
  return out;
}

function expand(a: RefTensor, shape: readonly number[]): Float64Array {
  const ia = broadcastIndex(a.shape, shape);
  return Float64Array.from(ia, (o) => a.data[o]);
}
