/**
 * The six two-layer parametrisations of SPEC 5.1 in two variants: "corrected" (SPEC's
 * recommended table: each kernel member coincides with its feature-learning partner at the
 * reference width 100 and K0 stays width-independent) and "literal" (the seed summary's
 * values: standard NTK γ = 1/d and Kaiming η = 0.05·d/100; every other entry is the same).
 */
import type { InitRule } from "./init.ts";

/** Names in SPEC 5.1 table order (spelled as in models/linear). */
export type TwoLayerName =
  | "ntk"
  | "meanField"
  | "kaiming"
  | "kaimingPlus"
  | "xavier"
  | "xavierPlus";

/** All names, in table order. */
export const TWO_LAYER_NAMES: readonly TwoLayerName[] = [
  "ntk",
  "meanField",
  "kaiming",
  "kaimingPlus",
  "xavier",
  "xavierPlus",
];

/** Which table: SPEC's recommended one or the seed's literal values. */
export type TableVariant = "corrected" | "literal";

/** One parametrisation at width d and input dimension D. */
export interface TwoLayerSetup {
  readonly name: TwoLayerName;
  readonly variant: TableVariant;
  /** Output multiplier γ. */
  readonly gamma: number;
  /** Forward input multiplier c of the first layer: 1/√D for "standard", else 1. */
  readonly inputScale: number;
  /** Weight rule for both layers (σ = 1). */
  readonly init: InitRule;
  /** Single learning rate of both layers (full-batch GD, β = 1). */
  readonly lr: number;
  /** Regime the table is designed to show at large width. */
  readonly expected: "kernel" | "feature";
}

/** Options: reference width dRef (100) and base rate η0 (0.05). */
export interface TableOptions {
  readonly dRef?: number;
  readonly eta0?: number;
}

/**
 * γ, init rule and learning rate of `name` at width `d` and input dimension `inputDim`.
 * Corrected: ntk γ=d^{-1/2}, η=η0 | meanField γ=√dRef/d, η=η0·d/dRef | kaiming γ=1,
 * η=η0·dRef/d | kaimingPlus γ=dRef/d, η=η0·d/dRef | xavier γ=d/dRef, η=η0·(dRef/d)² |
 * xavierPlus γ=1, η=η0. Literal: ntk γ=1/d; kaiming η=η0·d/dRef.
 */
export function twoLayerSetup(
  name: TwoLayerName,
  variant: TableVariant,
  d: number,
  inputDim: number,
  opts: TableOptions = {},
): TwoLayerSetup {
  if (!(Number.isInteger(d) && d >= 1 && Number.isInteger(inputDim) && inputDim >= 1)) {
    throw new RangeError(`Expected positive integer widths but found d=${d}, D=${inputDim}`);
  }
  if (variant !== "corrected" && variant !== "literal") {
    throw new RangeError(`Expected variant "corrected" or "literal" but found "${variant}"`);
  }
  const dRef = opts.dRef ?? 100;
  const eta0 = opts.eta0 ?? 0.05;
  const literal = variant === "literal";
  const std = 1 / Math.sqrt(inputDim);
  const make = (
    gamma: number,
    init: InitRule,
    lr: number,
    expected: "kernel" | "feature",
  ): TwoLayerSetup => ({
    name,
    variant,
    gamma,
    inputScale: init === "standard" ? std : 1,
    init,
    lr,
    expected,
  });
  switch (name) {
    case "ntk":
      return make(literal ? 1 / d : 1 / Math.sqrt(d), "standard", eta0, "kernel");
    case "meanField":
      return make(Math.sqrt(dRef) / d, "standard", eta0 * d / dRef, "feature");
    case "kaiming":
      return make(1, "kaiming", literal ? eta0 * d / dRef : eta0 * dRef / d, "kernel");
    case "kaimingPlus":
      return make(dRef / d, "kaiming", eta0 * d / dRef, "feature");
    case "xavier":
      return make(d / dRef, "xavier", eta0 * (dRef / d) ** 2, "kernel");
    case "xavierPlus":
      return make(1, "xavier", eta0, "feature");
    default:
      throw new RangeError(`Expected a two-layer parametrisation name but found "${name}"`);
  }
}
