/** Shared pieces of the convolution and pooling gradient rules (private to grads/). */
import { convTransposeOutLength, type Spatial } from "../../onnx/shape_conv.ts";
import type { Tensor } from "../builder.ts";
import { type Emitter, GradientError } from "../grad_rule.ts";

const SWAP = [1, 0, 2, 3];

/** output_padding that makes ConvTranspose(dY) take the spatial shape of the forward input. */
export function outputPadding(input: Tensor, dY: Tensor, s: Spatial): number[] {
  return s.kernel.map((_, i) =>
    input.shape[2 + i] - convTransposeOutLength(dY.shape[2 + i], s, 0, i)
  );
}

/**
 * Input gradient dX = ConvTranspose(dY, W) with output_padding restoring shape(X). With stride 1
 * and pads ≤ (k−1)·d it is emitted as the equivalent Conv of dY with the flipped, channel-swapped
 * kernel and pads (k−1)·d − pad: onnxruntime runs that Conv at forward speed, ConvTranspose up
 * to 2x slower (measured on ResNet-18's layers at batch 128).
 */
export function convInputGrad(e: Emitter, x: Tensor, w: Tensor, dY: Tensor, s: Spatial): Tensor {
  const r = s.kernel.length;
  const reach = s.kernel.map((k, i) => (k - 1) * s.dilations[i]);
  const pads = [...reach, ...reach].map((v, i) => v - s.pads[i]);
  if (r !== 2 || s.strides.some((v) => v !== 1) || pads.some((v) => v < 0)) {
    return e.emit("ConvTranspose", [dY, w], {
      ...convAttrs(s),
      output_padding: outputPadding(x, dY, s),
    }, "dX");
  }
  const [m, c, kh, kw] = w.shape;
  const taps = kh * kw;
  let flipped = w;
  if (taps > 1) {
    // W[m,c,i,j] → W[m,c,kh−1−i,kw−1−j] as a MatMul with the exchange matrix (exact)
    const exchange = Array.from(
      { length: taps * taps },
      (_, k) => k % taps === taps - 1 - Math.floor(k / taps) ? 1 : 0,
    );
    const rows = e.emit("Reshape", [w, e.int64s("W_rows_shape", [m * c, taps])], {}, "W_rows");
    const rev = e.emit(
      "MatMul",
      [rows, e.constant("W_flip", [taps, taps], exchange)],
      {},
      "W_rows_flipped",
    );
    flipped = e.emit("Reshape", [rev, e.int64s("W_shape", w.shape)], {}, "W_flipped");
  }
  const wT = e.emit("Transpose", [flipped], { perm: SWAP }, "W_flipped_T");
  return e.emit("Conv", [dY, wT], { pads, dilations: [...s.dilations] }, "dX");
}

/** The ONNX attributes of `s` (strides, pads, dilations). */
export function convAttrs(s: Spatial) {
  return { strides: [...s.strides], pads: [...s.pads], dilations: [...s.dilations] };
}

/**
 * Weight gradient out[a,b,i,j] = Σ_{n,p,q} ker[n,a,p,q] · image[n,b, p·s+i·d−pad, q·s+j·d−pad]
 * ([A,B,kh,kw]) as one Gemm over K = N·P·Q: the image goes channel-last and padded
 * ([N, Hp·Wp, B]), one Gather with constant indices copies every tap's pixel rows into
 * cols [N·P·Q, kh·kw·B] (each index moves a run of B floats), and ker, channel-first [A, N·P·Q],
 * times cols gives all taps at once; a weight-sized Transpose puts taps last.
 * NOTE: measured in onnxruntime on ResNet-18 at batch 128 (2 cores), this takes 0.65-0.8x the
 * time of a Gemm per tap on strided Slices of the image (the Slices cost a third of that path,
 * and Gemms with 64 output columns run below MLAS's rate). Neither Gemm operand is transposed:
 * MLAS's transposed-A path made the same product 3-4 % slower over a whole ResNet-18 step.
 */
export function convWeightGrad(e: Emitter, image: Tensor, ker: Tensor, s: Spatial): Tensor {
  if (s.kernel.length !== 2) {
    throw new GradientError(`Expected a 2-D convolution but found kernel [${s.kernel}]`);
  }
  const [n, b, h, w] = image.shape;
  const [, a, p, q] = ker.shape;
  const [kh, kw] = s.kernel;
  const taps = kh * kw;
  if (taps > 1 && perImageWeightGrad(a, p, q)) {
    return splitTapsWeightGrad(b, a, s)
      ? convWeightGradSplitTaps(e, image, ker, s)
      : convWeightGradPerImage(e, image, ker, s);
  }
  const [pt, pl, pb, pr] = s.pads;
  const [hp, wp] = [h + pt + pb, w + pl + pr];
  const rows = n * p * q;
  const imageN = e.emit("Transpose", [image], { perm: [0, 2, 3, 1] }, "dW_image_nhwc");
  const padded = s.pads.some((v) => v > 0)
    ? e.emit(
      "Pad",
      [imageN, e.int64s("dW_pads", [0, pt, pl, 0, 0, pb, pr, 0])],
      {},
      "dW_image_padded",
    )
    : imageN;
  // idx[(p·Q + q)·taps + i·kw + j] = (p·s + i·d)·Wp + q·s + j·d: the pixel tap (i,j) reads
  const idx: number[] = [];
  for (let y = 0; y < p; y++) {
    for (let x = 0; x < q; x++) {
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          idx.push(
            (y * s.strides[0] + i * s.dilations[0]) * wp + x * s.strides[1] + j * s.dilations[1],
          );
        }
      }
    }
  }
  const identity = taps === 1 && hp === p && wp === q;
  const cols = e.emit(
    "Reshape",
    [
      identity ? padded : e.emit(
        "Gather",
        [
          e.emit("Reshape", [padded, e.int64s("dW_image_rows", [n, hp * wp, b])], {}, "dW_flat"),
          e.int64s("dW_taps", idx),
        ],
        { axis: 1 },
        "dW_cols",
      ),
      e.int64s("dW_cols_shape", [rows, taps * b]),
    ],
    {},
    "dW_cols_mat",
  );
  // ker channel-first [A, N·P·Q] times cols [N·P·Q, taps·B], neither transposed
  const kerC = e.emit(
    "Reshape",
    [
      e.emit("Transpose", [ker], { perm: SWAP }, "dW_kernel_cnhw"),
      e.int64s("dW_kernel_shape", [a, rows]),
    ],
    {},
    "dW_kernel_mat",
  );
  const prod = e.emit("Gemm", [kerC, cols], {}, "dW_a_by_taps");
  if (taps === 1) return e.emit("Reshape", [prod, e.int64s("dW_shape", [a, b, 1, 1])], {}, "dW");
  // [A, taps, B] → [A, B, taps]
  const split = e.emit("Reshape", [prod, e.int64s("dW_split_shape", [a, taps, b])], {}, "dW_split");
  const moved = e.emit("Transpose", [split], { perm: [0, 2, 1] }, "dW_moved");
  return e.emit("Reshape", [moved, e.int64s("dW_shape", [a, b, kh, kw])], {}, "dW");
}

/**
 * Output pixels per image from which `convWeightGrad` takes one product per image (split taps
 * where `splitTapsWeightGrad` allows, the one-hot im2col otherwise), and the output pixels it
 * needs per output channel; the measurements below are the one-hot im2col's.
 * NOTE: measured in onnxruntime (2 cores, batch 128): at 32×32 outputs with 64 channels the
 * per-image path takes 0.8x the time of one Gather + one Gemm (batch 64 too), and a whole
 * full-width ResNet-18 step 0.97x. Its partial products [N, taps·B, A] grow with the channels: a
 * standalone graph of a 128-channel 16×16 layer's weight gradient took 41.7 ms this way against
 * 36.7 ms. With 8 or 16 channels on 16×16 (ResNet-18 at width 1/16 and 1/8) it gains: a whole step
 * took 0.96-0.97x at width 1/8 (three in-process A/Bs) and 0.97x at width 1/16 (one); taking it
 * from 8×8 on as well gained nothing more. Not measured: 17 to 127 channels on 16×16, and more
 * than 64 channels on 32×32 (per-image before this rule, a Gemm now).
 */
export const PER_IMAGE_MIN_PIXELS = 256;
export const PER_IMAGE_PIXELS_PER_CHANNEL = 16;

/** Whether the weight gradient of a Conv with A outputs of P×Q takes the per-image path. */
export function perImageWeightGrad(a: number, p: number, q: number): boolean {
  return p * q >= PER_IMAGE_MIN_PIXELS && PER_IMAGE_PIXELS_PER_CHANNEL * a <= p * q;
}

/**
 * The weight gradient as one product per image, for large output maps: a grouped Conv with a
 * constant one-hot kernel (group B, taps outputs per channel) writes each image's columns as
 * cols[n] [B·taps, P·Q] (row b·taps + t is channel b read at tap t, with the forward's strides,
 * pads and dilations), a batched MatMul multiplies them by ker[n]ᵀ [P·Q, A] (ker channel-last), and
 * a ReduceSum over n leaves [B·taps, A], whose weight-sized transpose is [A, B, kh, kw]. MLAS
 * streams the columns as its A operand without repacking them, which the single Gemm's
 * [N·P·Q, taps·B] right-hand operand needs; the partial products cost N·B·taps·A floats.
 */
function convWeightGradPerImage(e: Emitter, image: Tensor, ker: Tensor, s: Spatial): Tensor {
  const [n, b] = image.shape;
  const [, a, p, q] = ker.shape;
  const [kh, kw] = s.kernel;
  const taps = kh * kw;
  // oneHot[b·taps + t, 0, i, j] = 1 where t = i·kw + j: output channel b·taps + t copies tap t
  const oneHot = new Array<number>(b * taps * taps).fill(0);
  for (let c = 0; c < b; c++) {
    for (let t = 0; t < taps; t++) oneHot[(c * taps + t) * taps + t] = 1;
  }
  const cols = e.emit(
    "Conv",
    [image, e.constant("dW_one_hot", [b * taps, 1, kh, kw], oneHot)],
    { ...convAttrs(s), group: b },
    "dW_image_cols",
  );
  const colsMat = e.emit(
    "Reshape",
    [cols, e.int64s("dW_image_cols_shape", [n, b * taps, p * q])],
    {},
    "dW_image_cols_mat",
  );
  const kerMat = e.emit(
    "Reshape",
    [ker, e.int64s("dW_kernel_shape", [n, a, p * q])],
    {},
    "dW_kernel_mat",
  );
  return sumOfImageProducts(e, colsMat, kerMat, ["dW_kernel_t", "dW_taps_by_a"], {
    split: [b, kh, kw, a],
    perm: [3, 0, 1, 2],
  });
}

/**
 * Whether a weight gradient that takes a per-image path takes `convWeightGradSplitTaps` (B input
 * and A output channels): stride 1, and its shifted copies, kh·B + kw·A channels, fewer than the
 * taps·B of the one-hot im2col.
 * NOTE: measured in onnxruntime (batch 128, 3×3, one weight gradient per graph, 1 thread,
 * 2026-11-30): 0.70x the time of the one-hot im2col path with 8 channels on 32×32, 0.82x with 16,
 * 0.94x with 64, 0.81x with 16 on 16×16; with B = 3 (the stem) 1.17x for A = 8 and 4x for A = 64
 * at 2 threads, which this rule sends to the one-hot path. On 16×16 with 32 channels (a Gemm
 * path's shape) it took 1.04x, with 128 1.05x, on 8×8 1.5x: the rule only replaces per-image
 * products.
 */
export function splitTapsWeightGrad(b: number, a: number, s: Spatial): boolean {
  const [kh, kw] = s.kernel;
  return s.strides.every((v) => v === 1) && kh * b + kw * a < kh * kw * b;
}

/**
 * The weight gradient of a stride-1 Conv as one product per image of two shifted copies, kh of the
 * image and kw of ker, instead of taps copies of the image. With the image padded to Hp×Wp
 * (Wp = Q + (kw−1)·d), taps split into rows and columns:
 *   out[a,b,i,j] = Σ_{n,y,x'} shifted[n, a·kw + j, y, x'] · rows[n, b·kh + i, y, x'],
 * where rows[n, b·kh + i, y, x'] = padded[n, b, y + i·d, x'] (a Gather of whole padded rows) and
 * shifted[n, a·kw + j, y, x'] = ker[n, a, y, x' − j·d], 0 outside (a grouped Conv of ker with a
 * constant one-hot 1×((kw−1)·d + 1) kernel: exact copies). A batched MatMul gives
 * [N, B·kh, A·kw] over K = P·Wp, a ReduceSum over n [B·kh, A·kw], and a weight-sized transpose
 * [A, B, kh, kw]. It copies (kh·B + kw·A)·P·Wp floats per image where the one-hot im2col copies
 * taps·B·P·Q, and the product has B·kh rows and A·kw columns, which MLAS runs faster than the
 * im2col's A columns when A is small.
 */
function convWeightGradSplitTaps(e: Emitter, image: Tensor, ker: Tensor, s: Spatial): Tensor {
  const [n, b] = image.shape;
  const [, a, p] = ker.shape;
  const [kh, kw] = s.kernel;
  const [dh, dw] = s.dilations;
  const [pt, pl, pb, pr] = s.pads;
  const wp = image.shape[3] + pl + pr;
  const padded = s.pads.some((v) => v > 0)
    ? e.emit(
      "Pad",
      [image, e.int64s("dW_pads", [0, 0, pt, pl, 0, 0, pb, pr])],
      {},
      "dW_image_padded",
    )
    : image;
  const rowIdx: number[] = [];
  for (let i = 0; i < kh; i++) for (let y = 0; y < p; y++) rowIdx.push(y + i * dh);
  const rows = e.emit(
    "Reshape",
    [
      e.emit("Gather", [padded, e.int64s("dW_row_taps", rowIdx)], { axis: 2 }, "dW_image_rows"),
      e.int64s("dW_image_rows_shape", [n, b * kh, p * wp]),
    ],
    {},
    "dW_image_rows_mat",
  );
  const reach = (kw - 1) * dw;
  // oneHot[a·kw + j, 0, 0, k] = 1 where k = (kw−1−j)·d: output channel a·kw + j reads x' − j·d
  const oneHot = new Array<number>(a * kw * (reach + 1)).fill(0);
  for (let c = 0; c < a; c++) {
    for (let j = 0; j < kw; j++) oneHot[(c * kw + j) * (reach + 1) + (kw - 1 - j) * dw] = 1;
  }
  const shifted = e.emit(
    "Conv",
    [ker, e.constant("dW_shift_one_hot", [a * kw, 1, 1, reach + 1], oneHot)],
    { pads: [0, reach, 0, reach], group: a },
    "dW_kernel_shifted",
  );
  const shiftedMat = e.emit(
    "Reshape",
    [shifted, e.int64s("dW_kernel_shifted_shape", [n, a * kw, p * wp])],
    {},
    "dW_kernel_shifted_mat",
  );
  return sumOfImageProducts(e, rows, shiftedMat, ["dW_kernel_shifted_t", "dW_rows_by_columns"], {
    split: [b, kh, a, kw],
    perm: [2, 0, 1, 3],
  });
}

/**
 * The tail both per-image weight gradients share: Σ_n left[n] · right[n]ᵀ for left [N, R, K] and
 * right [N, C, K] (a batched MatMul and a ReduceSum over images, [R, C]), reshaped to
 * `layout.split` and permuted by `layout.perm` into [A, B, kh, kw]. `names` are those of the
 * transposed right operand and of the sum.
 */
function sumOfImageProducts(
  e: Emitter,
  left: Tensor,
  right: Tensor,
  names: [transposed: string, summed: string],
  layout: { split: number[]; perm: number[] },
): Tensor {
  const rightT = e.emit("Transpose", [right], { perm: [0, 2, 1] }, names[0]);
  const perImage = e.emit("MatMul", [left, rightT], {}, "dW_per_image");
  const summed = e.emit(
    "ReduceSum",
    [perImage, e.int64s("dW_images", [0])],
    { keepdims: 0 },
    names[1],
  );
  const split = e.emit(
    "Reshape",
    [summed, e.int64s("dW_split_shape", layout.split)],
    {},
    "dW_split",
  );
  return e.emit("Transpose", [split], { perm: layout.perm }, "dW");
}

/** Σ over every axis but the channel axis 1: the gradient of a per-channel bias. */
export function sumButChannels(e: Emitter, t: Tensor, what: string): Tensor {
  const axes = t.shape.map((_, i) => i).filter((i) => i !== 1);
  return e.emit("ReduceSum", [t, e.int64s(`${what}_axes`, axes)], { keepdims: 0 }, what);
}
