/**
 * The data layer's view of the project PRNG (models/rng.ts: xoshiro128** seeded through
 * SplitMix32, 53-bit uniforms, Box-Muller normals), plus what data needs on top: unbiased
 * integers below a bound, child seeds per stream index, and the named streams of a run seed
 * (each epoch's shuffle, the augmentation).
 */
import { createRng as createProjectRng } from "../models/rng.ts";

/** A deterministic random stream. */
export interface Rng {
  /** Next 32-bit unsigned integer. */
  nextU32(): number;
  /** Uniform float in [0, 1). */
  uniform(): number;
  /** Uniform integer in [0, n), unbiased (rejection sampling on 32-bit outputs). */
  int(n: number): number;
  /** Standard normal. */
  normal(): number;
}

/** Creates a stream from an integer seed; same seed, same stream on every platform. */
export function createRng(seed: number): Rng {
  const rng = createProjectRng(seed);
  const nextU32 = () => rng.nextUint32();
  const int = (n: number): number => {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) {
      throw new RangeError(`Expected an integer bound in [1, 2^32] but found ${n}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    let r = nextU32();
    while (r >= limit) r = nextU32();
    return r % n;
  };
  return { nextU32, uniform: () => rng.uniform(), int, normal: () => rng.normal() };
}

/**
 * The named streams of a run seed, as `deriveSeed` indices: the shuffle of epoch e takes index e
 * (`epochStream`, data/batch.ts), the augmentation the largest 31-bit index (data/augment.ts), which
 * no epoch reaches, so no crop or flip draws from a shuffle's stream.
 */
export const AUGMENT_STREAM = 0x7fffffff;

/** The stream index of epoch `epoch`'s shuffle: the epoch itself, below {@link AUGMENT_STREAM}. */
export function epochStream(epoch: number): number {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch >= AUGMENT_STREAM) {
    throw new RangeError(`Expected an epoch in [0, ${AUGMENT_STREAM}) but found ${epoch}`);
  }
  return epoch;
}

/** Derives a child seed from a seed and a stream index (SplitMix32 finaliser of both). */
export function deriveSeed(seed: number, index: number): number {
  let z = ((seed ^ Math.imul(index + 1, 0x27d4eb2d)) + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
