/**
 * Seeded, deterministic pseudo-random numbers for the models.
 *
 * Generator: xoshiro128** (Blackman and Vigna, 2018) on four 32-bit words, seeded by running
 * SplitMix32 (the 32-bit variant of SplitMix64 with the "murmur3 fmix32" finaliser) from the
 * integer seed. Uniform doubles take 53 bits from two outputs; normals use the Box-Muller
 * transform and return both variates of a pair in turn. Everything is plain 32-bit integer
 * arithmetic (`Math.imul`, `>>> 0`), so the sequence is identical on every platform.
 *
 * @example
 * ```ts
 * import { createRng } from "./rng.ts";
 * const rng = createRng(42);
 * const x = rng.normal(); // same value on every run
 * ```
 *
 * @module
 */

/** A seeded generator; all methods advance the same state. */
export interface Rng {
  /** Next raw 32-bit output of xoshiro128** as an unsigned integer. */
  nextUint32(): number;
  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number;
  /** Standard normal variate (Box-Muller, pairs consumed in order). */
  normal(): number;
  /** Fills `out` with N(0, std²) variates and returns it. */
  fillNormal(out: Float64Array, std?: number): Float64Array;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** SplitMix32 step: returns [next state, output]. */
function splitMix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/**
 * Creates a xoshiro128** generator from four explicit state words (not all zero).
 * Mainly for reproducing published test vectors; use {@link createRng} otherwise.
 */
export function createRngFromState(state: readonly [number, number, number, number]): Rng {
  const s = Uint32Array.from(state);
  if (s[0] === 0 && s[1] === 0 && s[2] === 0 && s[3] === 0) {
    throw new RangeError("Expected a nonzero xoshiro128** state but found all zeros");
  }
  let spare: number | null = null;
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  const uniform = (): number => {
    const hi = nextUint32() >>> 5; // 27 bits
    const lo = nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  };
  const normal = (): number => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    // 1 - uniform() lies in (0, 1], so the logarithm is finite.
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const phi = 2 * Math.PI * uniform();
    spare = r * Math.sin(phi);
    return r * Math.cos(phi);
  };
  const fillNormal = (out: Float64Array, std = 1): Float64Array => {
    for (let i = 0; i < out.length; i++) out[i] = std * normal();
    return out;
  };
  return { nextUint32, uniform, normal, fillNormal };
}

/** Creates a generator whose state is four SplitMix32 outputs of the integer `seed`. */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`Expected an integer seed but found ${seed}`);
  }
  // Fold the safe-integer seed into 32 bits without losing its high part.
  let st = ((seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x9e3779b1)) >>> 0;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [next, out] = splitMix32(st);
    st = next;
    words.push(out);
  }
  if ((words[0] | words[1] | words[2] | words[3]) === 0) words[0] = 1;
  return createRngFromState(words as [number, number, number, number]);
}
