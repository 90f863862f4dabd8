/**
 * kuangliu's CIFAR-10 training augmentation (SPEC 8): RandomCrop(32, padding=4) then
 * RandomHorizontalFlip(0.5), seeded. torchvision applies both to the PIL image, so the padding is
 * black (0) in pixel space: apply this before normalising, or pass `fill` = the normalised zero,
 * `-mean[c] / std[c]`, when the input is already normalised.
 */
import type { Tensor } from "./tensor.ts";
import { AUGMENT_STREAM, createRng, deriveSeed } from "./_rng.ts";

/** Options of {@link augmentCrop}. */
export interface CropFlipOptions {
  padding?: number;
  /** Value of padded pixels per channel (default 0 for every channel). */
  fill?: readonly number[];
  flip?: boolean;
}

/**
 * Returns a randomly cropped and flipped copy of a `[n, C, H, W]` batch. For each image a crop
 * offset (dy, dx) is drawn uniformly from 0..2*padding (as torchvision's RandomCrop), then a flip
 * with probability 1/2; the draws come from one stream seeded with `seed`.
 *
 * @example
 * ```ts
 * import { augmentCrop, normalizeCifar } from "./mod.ts";
 *
 * const batch = { shape: [2, 3, 32, 32], data: new Float32Array(2 * 3072).fill(0.5) };
 * const train = normalizeCifar(augmentCrop(batch, 1000 * 7 + 3)); // seed per (epoch, step)
 * console.log(train.shape);
 * ```
 */
export function augmentCrop(x: Tensor, seed: number, opts: CropFlipOptions = {}): Tensor {
  if (x.shape.length !== 4) {
    throw new RangeError(`Expected a [n, C, H, W] tensor but found shape [${x.shape}]`);
  }
  const [n, channels, h, w] = x.shape;
  const pad = opts.padding ?? 4;
  const rng = createRng(seed);
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < n; i++) {
    const dy = rng.int(2 * pad + 1) - pad;
    const dx = rng.int(2 * pad + 1) - pad;
    const flip = (opts.flip ?? true) && rng.uniform() < 0.5;
    for (let c = 0; c < channels; c++) {
      const base = (i * channels + c) * h * w;
      const fill = opts.fill?.[c] ?? 0;
      for (let r = 0; r < h; r++) {
        const sr = r + dy;
        for (let col = 0; col < w; col++) {
          const sc = (flip ? w - 1 - col : col) + dx;
          const inside = sr >= 0 && sr < h && sc >= 0 && sc < w;
          out[base + r * w + col] = inside ? x.data[base + sr * w + sc] : fill;
        }
      }
    }
  }
  return { shape: x.shape.slice(), data: out };
}

/**
 * The seed of batch `batch`'s crops and flips in epoch `epoch` of a run seeded with `seed`: a child
 * of the run seed's augmentation stream, apart from every epoch's shuffle stream (data/_rng.ts).
 *
 * @example
 * ```ts
 * import { augmentCrop, augmentSeed } from "./mod.ts";
 *
 * const batch = { shape: [2, 3, 32, 32], data: new Float32Array(2 * 3072).fill(0.5) };
 * const cropped = augmentCrop(batch, augmentSeed(0, 3, 7)); // run seed 0, epoch 3, batch 7
 * console.log(cropped.shape);
 * ```
 */
export function augmentSeed(seed: number, epoch: number, batch: number): number {
  return deriveSeed(deriveSeed(deriveSeed(seed, AUGMENT_STREAM), epoch), batch);
}
