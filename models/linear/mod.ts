/**
 * Exact training dynamics of the one-hidden-layer linear network f(x) = γ (u·w) x on
 * one-dimensional data (Xu and Ziyin, "Three Mechanisms of Feature Learning in a Linear
 * Network", ICLR 2025; project SPEC sections 1-4): closed-form gradient flow in log space,
 * independent Dormand-Prince integrations (reduced ODE and full parameter flow), gradient
 * descent, invariants, ζ and the dimensionless numbers, the mechanism labels and the
 * phase-diagram data. Pure Float64 numerics: no I/O, clock or unseeded randomness.
 *
 * @example
 * ```ts
 * import { classifyMechanism, closedForm, convergedState, prepareInit } from "./mod.ts";
 * const problem = { gamma: 1, etaU: 1, etaW: 1, m2: 1, a: 1 };
 * const init = prepareInit(problem, new Float64Array([1e-3, 0]), new Float64Array([0, 1e-3]));
 * const tr = closedForm(problem, init, [0, 5, 20, Infinity]);
 * console.log(tr.g, tr.cosTheta); // g: 0 → 1, cos θ: 0 → 1
 * console.log(convergedState(problem, init).kInf); // ≈ 2 = 2 γ̃ |a| (small init)
 * console.log(classifyMechanism(problem, init).label); // "alignment-then-rescaling"
 * ```
 *
 * @module
 */
export * from "./problem.ts";
export * from "./closed_form.ts";
export * from "./trajectory.ts";
export * from "./dopri.ts";
export * from "./flows.ts";
export * from "./invariants.ts";
export * from "./measures.ts";
export * from "./mechanism.ts";
export * from "./gd.ts";
export * from "./init.ts";
export * from "./parametrisations.ts";
export * from "./fit.ts";
export * from "./phase.ts";
export * from "./phase_maps.ts";
