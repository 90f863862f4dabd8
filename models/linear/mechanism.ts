/**
 * Mechanism labels of SPEC 3.3, with explicit thresholds.
 *
 * Rule (documented decision). Write g = γ|u||w| cos θ and N = γ|u||w| = √(g² + g⊥²).
 * d ln|cos θ| / d ln|g| = g⊥²/(g² + g⊥²) and d ln N / d ln|g| = g²/(g² + g⊥²): below
 * |g| = g⊥ (equivalently |cos θ| = 1/√2) most of a change of |g| comes from the angle, above
 * it from the norms. A path is cut where |g| changes direction (at g = 0 for a sign change)
 * and where it crosses |cos θ| = 1/√2. Each piece below the line is "alignment" (|cos θ|
 * grew) or "disalignment" (|cos θ| shrank) if |Δ|cos θ|| ≥ cosTol; each piece above it is
 * "rescaling" if |Δ ln N| ≥ logNormTol. Consecutive equal labels merge. Independently the
 * regime is "kernel" when ζ_max = max_t |K(t)/K0 − 1| < zetaTol (SPEC 3.1: classify by ζ);
 * then the label is "kernel" whatever the angle and norms did (unbalanced layers can rescale
 * one layer at a fixed NTK, SPEC 4.4).
 */
import { closedFormFrame } from "./closed_form.ts";
import type { InitialState, LinearProblem } from "./problem.ts";
import { cosFromOutput } from "./trajectory.ts";

/** One of the three mechanisms of SPEC 3.3. */
export type Mechanism = "alignment" | "disalignment" | "rescaling";

/** Thresholds of the rule above. */
export interface MechanismThresholds {
  /** Kernel regime when ζ_max < zetaTol (default 0.05). */
  zetaTol?: number;
  /** Smallest |Δ|cos θ|| that counts as (dis)alignment (default 0.05). */
  cosTol?: number;
  /** Smallest |Δ ln(|u||w|)| that counts as rescaling (default 0.05). */
  logNormTol?: number;
}

/** A point of a path: output, NTK, cos θ and norm product |u||w| (any constant factor). */
export interface PathPoint {
  g: number;
  k: number;
  cosTheta: number;
  normProduct: number;
}

/** Result of {@link labelPath}. */
export interface MechanismLabel {
  regime: "kernel" | "feature";
  /** Significant mechanisms in order of occurrence (also filled in the kernel regime). */
  sequence: Mechanism[];
  /** "kernel", or the sequence joined by "-then-" (e.g. "disalignment-then-alignment"). */
  label: string;
  zetaMax: number;
}

const EDGE = Math.SQRT1_2;

/** Labels a sampled or exact path (points in time order, first point = initial state). */
export function labelPath(
  points: readonly PathPoint[],
  opts: MechanismThresholds = {},
): MechanismLabel {
  const zetaTol = opts.zetaTol ?? 0.05;
  const cosTol = opts.cosTol ?? 0.05;
  const logNormTol = opts.logNormTol ?? 0.05;
  if (points.length === 0) throw new RangeError("Expected at least one path point but found 0");
  const k0 = points[0].k;
  let zetaMax = 0;
  for (const p of points) zetaMax = Math.max(zetaMax, k0 > 0 ? Math.abs(p.k / k0 - 1) : 0);
  const sequence: Mechanism[] = [];
  let i = 0;
  while (i < points.length - 1) {
    const key = pieceKey(points[i], points[i + 1]);
    let j = i + 1;
    while (j < points.length - 1 && pieceKey(points[j], points[j + 1]) === key) j++;
    if (key !== "flat") {
      const a = points[i], b = points[j];
      let m: Mechanism | null = null;
      if (key.startsWith("angular")) {
        const dc = Math.abs(b.cosTheta) - Math.abs(a.cosTheta);
        if (Math.abs(dc) >= cosTol) m = dc > 0 ? "alignment" : "disalignment";
      } else if (Math.abs(Math.log(b.normProduct / a.normProduct)) >= logNormTol) {
        m = "rescaling";
      }
      if (m !== null && sequence[sequence.length - 1] !== m) sequence.push(m);
    }
    i = j;
  }
  const regime = zetaMax < zetaTol ? "kernel" : "feature";
  const label = regime === "kernel"
    ? "kernel"
    : sequence.length > 0
    ? sequence.join("-then-")
    : "unclassified";
  return { regime, sequence, label, zetaMax };
}

function pieceKey(p: PathPoint, q: PathPoint): string {
  const ga = Math.abs(p.g), gb = Math.abs(q.g);
  if (ga === gb) return "flat";
  const dir = gb > ga ? "up" : "down";
  const zone = (Math.abs(p.cosTheta) + Math.abs(q.cosTheta)) / 2 < EDGE ? "angular" : "radial";
  return `${zone}-${dir}`;
}

/**
 * Exact key points of the flow path from g0 to g∞: the ends, g = 0 if the sign changes and
 * |g| = g⊥ where crossed. Because the state is a function of g (SPEC 2.6), they suffice.
 */
export function exactPathPoints(problem: LinearProblem, init: InitialState): PathPoint[] {
  const f = closedFormFrame(problem, init);
  const gt = init.gammaTilde;
  const gPerp = gt * Math.sqrt(init.j2);
  const h = gt * Math.sqrt(init.a2) * Math.sqrt(init.b2) / 2;
  const g0 = init.g0, g1 = f.gInf;
  const lo = Math.min(g0, g1), hi = Math.max(g0, g1);
  const inner = [0, gPerp, -gPerp].filter((x) => x > lo && x < hi);
  inner.sort((x, y) => (g1 >= g0 ? x - y : y - x));
  const gs = [g0, ...inner.filter((x, i) => i === 0 || x !== inner[i - 1]), g1];
  return gs.map((g) => ({
    g,
    k: 2 * gt * Math.hypot(h, g),
    // With g⊥ = 0 the vectors stay parallel: |cos θ| = 1 also in the limit g → 0.
    cosTheta: gPerp === 0 && g === 0 ? 1 : cosFromOutput(g, gPerp),
    normProduct: Math.hypot(g, gPerp),
  }));
}

/** Labels the exact gradient flow of a problem from its initial state. */
export function classifyMechanism(
  problem: LinearProblem,
  init: InitialState,
  opts: MechanismThresholds = {},
): MechanismLabel {
  return labelPath(exactPathPoints(problem, init), opts);
}

/** Builds path points from sampled series (e.g. gradient descent or a closed-form grid). */
export function samplesToPath(s: {
  g: ArrayLike<number>;
  k: ArrayLike<number>;
  cosTheta: ArrayLike<number>;
  normU: ArrayLike<number>;
  normW: ArrayLike<number>;
}): PathPoint[] {
  const out: PathPoint[] = [];
  for (let i = 0; i < s.g.length; i++) {
    out.push({
      g: s.g[i],
      k: s.k[i],
      cosTheta: s.cosTheta[i],
      normProduct: s.normU[i] * s.normW[i],
    });
  }
  return out;
}
