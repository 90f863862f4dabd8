/** Problem definition and the rescaled initial state every solver starts from (SPEC 1, 2.1). */

/** Hyperparameters of the solvable model: f(x) = gamma (u·w) x, loss ½ m2 (g − a)². */
export interface LinearProblem {
  /** Output multiplier γ > 0. */
  gamma: number;
  /** Learning rate of the output layer u, η_u > 0. */
  etaU: number;
  /** Learning rate of the input layer w, η_w > 0. */
  etaW: number;
  /** Second moment of the data, m2 = E[x²] > 0. */
  m2: number;
  /** Target slope a = E[xy]/E[x²] (any sign). */
  a: number;
}

/** Gram summary of an initialisation: |u0|², |w0|², u0·w0. */
export interface InitGram {
  uu: number;
  ww: number;
  uw: number;
}

/**
 * Scalars of the initial point in rescaled units ũ = u/√η_u, w̃ = w/√η_w (SPEC 2.1, 2.3).
 * A² = |ũ0 + w̃0|², B² = |ũ0 − w̃0|², J² = |ũ0|²|w̃0|² − (ũ0·w̃0)².
 */
export interface InitialState {
  /** Width d (1 for a Gram summary of a one-dimensional network). */
  d: number;
  /** γ̃ = γ √(η_u η_w). */
  gammaTilde: number;
  /** |ũ0|². */
  p: number;
  /** |w̃0|². */
  q: number;
  /** ũ0·w̃0. */
  s: number;
  /** A². */
  a2: number;
  /** B². */
  b2: number;
  /** J² (Gram determinant, ≥ 0). */
  j2: number;
  /** Initial output slope g0 = γ̃ ũ0·w̃0. */
  g0: number;
  /** Initial learning-rate-weighted NTK K0 = γ̃² (|ũ0|² + |w̃0|²). */
  k0: number;
  /** Rescaled v+(0) = ũ0 + w̃0 and v−(0) = ũ0 − w̃0, present when built from vectors. */
  vPlus?: Float64Array;
  vMinus?: Float64Array;
}

function checkPositive(name: string, x: number): void {
  if (!(x > 0) || !Number.isFinite(x)) {
    throw new RangeError(`Expected "${name}" to be a finite positive number but found ${x}`);
  }
}

/** Throws a RangeError unless every hyperparameter is finite and γ, η_u, η_w, m2 are positive. */
export function validateProblem(problem: LinearProblem): void {
  checkPositive("gamma", problem.gamma);
  checkPositive("etaU", problem.etaU);
  checkPositive("etaW", problem.etaW);
  checkPositive("m2", problem.m2);
  if (!Number.isFinite(problem.a)) {
    throw new RangeError(`Expected "a" to be finite but found ${problem.a}`);
  }
}

/** γ̃ = γ √(η_u η_w), the output scale of the equal-rate problem (SPEC 2.1). */
export function gammaTildeOf(problem: LinearProblem): number {
  return problem.gamma * Math.sqrt(problem.etaU) * Math.sqrt(problem.etaW);
}

/**
 * J² = |x|²|y|² − (x·y)² computed as |x|²·|y⊥|² with y⊥ the part of y orthogonal to x
 * (projected twice), so that nearly parallel vectors give a tiny J² with small relative
 * error instead of a cancellation at the level of machine epsilon times |x|²|y|².
 */
export function gramDeterminant(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  if (n <= 1) return 0;
  let xx = 0;
  for (let i = 0; i < n; i++) xx += x[i] * x[i];
  if (xx === 0) return 0;
  const r = Float64Array.from(y);
  for (let pass = 0; pass < 2; pass++) {
    let xr = 0;
    for (let i = 0; i < n; i++) xr += x[i] * r[i];
    const c = xr / xx;
    for (let i = 0; i < n; i++) r[i] -= c * x[i];
  }
  let rr = 0;
  for (let i = 0; i < n; i++) rr += r[i] * r[i];
  return xx * rr;
}

/** Builds the rescaled initial state from explicit weight vectors u0, w0 ∈ R^d. */
export function prepareInit(
  problem: LinearProblem,
  u0: Float64Array,
  w0: Float64Array,
): InitialState {
  validateProblem(problem);
  if (u0.length !== w0.length || u0.length < 1) {
    throw new RangeError(
      `Expected u0 and w0 of equal length >= 1 but found ${u0.length} and ${w0.length}`,
    );
  }
  const d = u0.length;
  const su = 1 / Math.sqrt(problem.etaU);
  const sw = 1 / Math.sqrt(problem.etaW);
  const ut = new Float64Array(d);
  const wt = new Float64Array(d);
  const vPlus = new Float64Array(d);
  const vMinus = new Float64Array(d);
  let p = 0, q = 0, s = 0, a2 = 0, b2 = 0;
  for (let i = 0; i < d; i++) {
    const x = u0[i] * su;
    const y = w0[i] * sw;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new RangeError(`Expected finite initial weights but found ${u0[i]}, ${w0[i]} at ${i}`);
    }
    ut[i] = x;
    wt[i] = y;
    vPlus[i] = x + y;
    vMinus[i] = x - y;
    p += x * x;
    q += y * y;
    s += x * y;
    a2 += vPlus[i] * vPlus[i];
    b2 += vMinus[i] * vMinus[i];
  }
  const gammaTilde = gammaTildeOf(problem);
  const j2 = gramDeterminant(ut, wt);
  return {
    d,
    gammaTilde,
    p,
    q,
    s,
    a2,
    b2,
    j2,
    g0: gammaTilde * s,
    k0: gammaTilde * gammaTilde * (p + q),
    vPlus,
    vMinus,
  };
}

/**
 * Builds the rescaled initial state from a Gram summary (no vectors, so no u(t), w(t)).
 * `d` only labels the state; d = 1 requires uw² = uu·ww up to rounding and forces J² = 0.
 */
export function prepareInitFromGram(problem: LinearProblem, gram: InitGram, d = 2): InitialState {
  validateProblem(problem);
  const { uu, ww, uw } = gram;
  if (!(uu >= 0) || !(ww >= 0) || !Number.isFinite(uu + ww + uw)) {
    throw new RangeError(`Expected finite nonnegative norms but found uu=${uu}, ww=${ww}`);
  }
  const p = uu / problem.etaU;
  const q = ww / problem.etaW;
  const s = uw / Math.sqrt(problem.etaU * problem.etaW);
  if (s * s > p * q * (1 + 1e-12)) {
    throw new RangeError(`Expected uw² <= uu·ww (Cauchy-Schwarz) but found uw=${uw}`);
  }
  const gammaTilde = gammaTildeOf(problem);
  const j2 = d === 1 ? 0 : Math.max(0, p * q - s * s);
  return {
    d,
    gammaTilde,
    p,
    q,
    s,
    a2: Math.max(0, p + q + 2 * s),
    b2: Math.max(0, p + q - 2 * s),
    j2,
    g0: gammaTilde * s,
    k0: gammaTilde * gammaTilde * (p + q),
  };
}
