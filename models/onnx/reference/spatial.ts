/** Direct-loop float64 kernels of the 2-D spatial ops, BatchNormalization, Slice and Pad. */
import type { AttrBag, OpType } from "../ops.ts";
import { padShape, sliceRanges, spatialOf } from "../shape_conv.ts";
import { numel, type RefTensor, stridesOf } from "./tensor.ts";

function rank4(op: OpType, x: RefTensor): readonly number[] {
  if (x.shape.length !== 4) {
    throw new RangeError(
      `Expected a 4-D input to the "${op}" reference kernel but found [${x.shape}]`,
    );
  }
  return x.shape;
}

/**
 * Y[n,m,p,q] = B[m] + Σ_{c,i,j} X[n,c₀+c,p·s+i·d−pad, q·s+j·d−pad] · W[m,c,i,j], where c runs
 * over the C/g input channels of output channel m's group and c₀ is that group's first channel.
 */
export function conv(
  x: RefTensor,
  w: RefTensor,
  bias: RefTensor | undefined,
  attrs: AttrBag,
  out: readonly number[],
): Float64Array {
  const [, C, H, W] = rank4("Conv", x);
  const [, M, P, Q] = out;
  const [kh, kw] = w.shape.slice(2);
  const s = spatialOf(attrs, [kh, kw], "Conv");
  const group = (attrs.group as number | undefined) ?? 1;
  const cg = w.shape[1]; // input channels per group
  const y = new Float64Array(numel(out));
  let o = 0;
  for (let n = 0; n < out[0]; n++) {
    for (let m = 0; m < M; m++) {
      const c0 = Math.floor(m / (M / group)) * cg;
      for (let p = 0; p < P; p++) {
        for (let q = 0; q < Q; q++) {
          let acc = bias ? bias.data[m] : 0;
          for (let c = c0; c < c0 + cg; c++) {
            for (let i = 0; i < kh; i++) {
              const h = p * s.strides[0] + i * s.dilations[0] - s.pads[0];
              if (h < 0 || h >= H) continue;
              for (let j = 0; j < kw; j++) {
                const v = q * s.strides[1] + j * s.dilations[1] - s.pads[1];
                if (v < 0 || v >= W) continue;
                acc += x.data[((n * C + c) * H + h) * W + v] *
                  w.data[((m * cg + c - c0) * kh + i) * kw + j];
              }
            }
          }
          y[o++] = acc;
        }
      }
    }
  }
  return y;
}

/** Y[n,m,h·s+i·d−pad, v·s+j·d−pad] += X[n,c,h,v] · W[c,m,i,j]; then + B[m]. */
export function convTranspose(
  x: RefTensor,
  w: RefTensor,
  bias: RefTensor | undefined,
  attrs: AttrBag,
  out: readonly number[],
): Float64Array {
  const [N, C, H, W] = rank4("ConvTranspose", x);
  const [, M, P, Q] = out;
  const [kh, kw] = w.shape.slice(2);
  const s = spatialOf(attrs, [kh, kw], "ConvTranspose");
  const y = new Float64Array(numel(out));
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let h = 0; h < H; h++) {
        for (let v = 0; v < W; v++) {
          const xv = x.data[((n * C + c) * H + h) * W + v];
          for (let m = 0; m < M; m++) {
            for (let i = 0; i < kh; i++) {
              const p = h * s.strides[0] + i * s.dilations[0] - s.pads[0];
              if (p < 0 || p >= P) continue;
              for (let j = 0; j < kw; j++) {
                const q = v * s.strides[1] + j * s.dilations[1] - s.pads[1];
                if (q < 0 || q >= Q) continue;
                y[((n * M + m) * P + p) * Q + q] += xv * w.data[((c * M + m) * kh + i) * kw + j];
              }
            }
          }
        }
      }
    }
  }
  if (bias) { for (let k = 0; k < y.length; k++) y[k] += bias.data[Math.floor(k / (P * Q)) % M]; }
  return y;
}

/** Mean over each window; the divisor counts pads only when count_include_pad = 1. */
export function averagePool(x: RefTensor, attrs: AttrBag, out: readonly number[]): Float64Array {
  const [N, C, H, W] = rank4("AveragePool", x);
  const [, , P, Q] = out;
  const [kh, kw] = attrs.kernel_shape as readonly number[];
  const s = spatialOf(attrs, [kh, kw], "AveragePool");
  const includePad = attrs.count_include_pad === 1;
  const y = new Float64Array(numel(out));
  let o = 0;
  for (let nc = 0; nc < N * C; nc++) {
    for (let p = 0; p < P; p++) {
      for (let q = 0; q < Q; q++) {
        let acc = 0;
        let count = 0;
        for (let i = 0; i < kh; i++) {
          const h = p * s.strides[0] + i - s.pads[0];
          for (let j = 0; j < kw; j++) {
            const v = q * s.strides[1] + j - s.pads[1];
            if (h < 0 || h >= H || v < 0 || v >= W) continue;
            acc += x.data[(nc * H + h) * W + v];
            count++;
          }
        }
        y[o++] = acc / (includePad ? kh * kw : count);
      }
    }
  }
  return y;
}

/** Mean over all spatial positions of each (n, c). */
export function globalAveragePool(x: RefTensor): Float64Array {
  const inner = numel(x.shape.slice(2));
  const y = new Float64Array(x.shape[0] * x.shape[1]);
  for (let k = 0; k < y.length; k++) {
    let acc = 0;
    for (let i = 0; i < inner; i++) acc += x.data[k * inner + i];
    y[k] = acc / inner;
  }
  return y;
}

/** Inference-mode BN: Y = scale·(X − mean)/√(var + ε) + B per channel (axis 1). */
export function batchNormalization(xs: readonly RefTensor[], attrs: AttrBag): Float64Array {
  const [x, scale, bias, mean, variance] = xs;
  // NOTE: ONNX stores epsilon as a float32 attribute.
  const eps = Math.fround((attrs.epsilon as number | undefined) ?? 1e-5);
  const C = x.shape[1];
  const inner = numel(x.shape.slice(2));
  return x.data.map((v, k) => {
    const c = Math.floor(k / inner) % C;
    return (scale.data[c] * (v - mean.data[c])) / Math.sqrt(variance.data[c] + eps) + bias.data[c];
  });
}

/** to[toStart + k] = from[fromStart + k·fromStep] for every index k of `box`. */
function copyBox(
  from: RefTensor,
  to: Float64Array,
  toShape: readonly number[],
  fromStart: readonly number[],
  fromStep: readonly number[],
  toStart: readonly number[],
  box: readonly number[],
): void {
  const fs = stridesOf(from.shape);
  const ts = stridesOf(toShape);
  const idx = new Array<number>(box.length).fill(0);
  for (let k = 0; k < numel(box); k++) {
    let a = 0;
    let b = 0;
    for (let i = 0; i < box.length; i++) {
      a += (fromStart[i] + idx[i] * fromStep[i]) * fs[i];
      b += (idx[i] + toStart[i]) * ts[i];
    }
    to[b] = from.data[a];
    for (let i = box.length - 1; i >= 0; i--) {
      if (++idx[i] < box[i]) break;
      idx[i] = 0;
    }
  }
}

/** Slice of `x` with constant starts, ends, optional axes and positive steps. */
export function slice(xs: readonly RefTensor[]): Float64Array {
  const [x, starts, ends, axes, steps] = xs;
  const list = (t: RefTensor | undefined) => (t ? [...t.data] : undefined);
  const r = sliceRanges(x.shape, [...starts.data], [...ends.data], list(axes), list(steps));
  const box = r.map((v) => v.count);
  const y = new Float64Array(numel(box));
  copyBox(x, y, box, r.map((v) => v.start), r.map((v) => v.step), box.map(() => 0), box);
  return y;
}

/** Constant-mode Pad with non-negative pads [begin…, end…]. */
export function pad(xs: readonly RefTensor[]): Float64Array {
  const [x, pads, value] = xs;
  const shape = padShape(x.shape, [...pads.data]);
  const y = new Float64Array(numel(shape)).fill(value ? value.data[0] : 0);
  const zeros = x.shape.map(() => 0);
  const ones = x.shape.map(() => 1);
  copyBox(x, y, shape, zeros, ones, [...pads.data].slice(0, x.shape.length), x.shape);
  return y;
}
