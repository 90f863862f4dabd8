/**
 * Input normalisation. CIFAR-10: per-channel mean/std of kuangliu/pytorch-cifar (SPEC 8), on
 * pixels in [0, 1]. MNIST: one global mean/std, the usual PyTorch MNIST constants, which are the
 * training-set pixel mean and std on [0, 1] (0.13066, 0.30811) rounded to four digits.
 */
import type { Tensor } from "./tensor.ts";

/** kuangliu's CIFAR-10 channel means (R, G, B) on [0, 1] pixels. */
export const CIFAR_MEAN = [0.4914, 0.4822, 0.4465] as const;
/** kuangliu's CIFAR-10 channel stds (R, G, B) on [0, 1] pixels. */
export const CIFAR_STD = [0.2023, 0.1994, 0.2010] as const;
/** MNIST training-set pixel mean on [0, 1]. */
export const MNIST_MEAN = 0.1307;
/** MNIST training-set pixel std on [0, 1]. */
export const MNIST_STD = 0.3081;

/**
 * Returns `(x - mean[c]) / std[c]` for a `[n, C, ...]` tensor with C = mean.length channels
 * (a single value applies to every element).
 */
export function normalizeChannels(
  x: Tensor,
  mean: readonly number[],
  std: readonly number[],
): Tensor {
  const channels = mean.length;
  if (std.length !== channels) {
    throw new RangeError(`Expected ${channels} stds but found ${std.length}`);
  }
  if (channels > 1 && x.shape[1] !== channels) {
    throw new RangeError(`Expected ${channels} channels in dimension 1 but found ${x.shape[1]}`);
  }
  const plane = channels > 1 ? x.shape.slice(2).reduce((a, b) => a * b, 1) : x.data.length;
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < x.data.length; i++) {
    const c = Math.floor(i / plane) % channels;
    out[i] = (x.data[i] - mean[c]) / std[c];
  }
  return { shape: x.shape.slice(), data: out };
}

/**
 * CIFAR-10 `[n, 3, 32, 32]` images in [0, 1] normalised with kuangliu's constants.
 *
 * @example
 * ```ts
 * import { normalizeCifar } from "./mod.ts";
 *
 * const x = { shape: [1, 3, 32, 32], data: new Float32Array(3072).fill(0.5) };
 * console.log(normalizeCifar(x).data[0]); // (0.5 - 0.4914) / 0.2023
 * ```
 */
export function normalizeCifar(x: Tensor): Tensor {
  return normalizeChannels(x, CIFAR_MEAN, CIFAR_STD);
}

/** MNIST images in [0, 1] standardised with the global training mean and std. */
export function standardizeMnist(x: Tensor): Tensor {
  return normalizeChannels(x, [MNIST_MEAN], [MNIST_STD]);
}

/** Per-channel mean and std (population) of a `[n, C, ...]` tensor, in float64. */
export function channelStats(x: Tensor): { mean: number[]; std: number[] } {
  const channels = x.shape.length > 1 ? x.shape[1] : 1;
  const plane = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const sum = new Float64Array(channels);
  const sq = new Float64Array(channels);
  for (let i = 0; i < x.data.length; i++) {
    const c = Math.floor(i / plane) % channels;
    sum[c] += x.data[i];
    sq[c] += x.data[i] * x.data[i];
  }
  const count = x.data.length / channels;
  const mean = [...sum].map((s) => s / count);
  const std = [...sq].map((s, c) => Math.sqrt(Math.max(0, s / count - mean[c] ** 2)));
  return { mean, std };
}
