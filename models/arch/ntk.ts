/** Learning-rate-weighted empirical NTK Gram matrix of a dense chain, as an ONNX graph. */
import { castCode, type GraphBuilder, type Tensor } from "../autodiff/builder.ts";
import { assignLearningRates, distinctSorted } from "../autodiff/sgd.ts";
import { denseChain, type DenseLayer } from "./dense.ts";

/** Learning-rate inputs: name → parameters it weights; parameters not listed use `lr`. */
export type LrGroups = Readonly<Record<string, readonly string[]>>;

/** Declares the scalar learning-rate inputs and maps each parameter to its input. */
function lrInputs(b: GraphBuilder, params: readonly string[], groups: LrGroups, x: Tensor) {
  const names = assignLearningRates(params, groups);
  const inputs = new Map(distinctSorted(names).map((n) => [n, b.input(n, x.dtype, [])]));
  return (param: string) => inputs.get(names[params.indexOf(param)])!;
}

/**
 * Emits the forward chain on the probe set x [P, D] and the Gram matrix
 * Θ[(i,c),(j,c')] = Σ_params η_p ⟨∂f_c(x_i)/∂p, ∂f_c'(x_j)/∂p⟩, rows ordered i·k + c, named `ntk`.
 * Per-sample gradients are never materialised: for a layer z = s·Wᵀ + b with
 * δ = ∂f/∂z, ⟨∂f_i/∂W, ∂f_j/∂W⟩ = (δ_i·δ_j)(s_i·s_j) and ⟨∂f_i/∂b, ∂f_j/∂b⟩ = δ_i·δ_j.
 */
export function ntkGram(
  b: GraphBuilder,
  x: Tensor,
  layers: readonly DenseLayer[],
  lrGroups: LrGroups = {},
): Tensor {
  const traces = denseChain(b, x, layers);
  const params = traces.flatMap((t) => (t.bias ? [t.weight.name, t.bias.name] : [t.weight.name]));
  const lrOf = lrInputs(b, params, lrGroups, x);
  const p = x.shape[0];
  const k = layers[layers.length - 1].fanOut;
  const pk = p * k;
  // Row i·k + c of the seed is e_c: ∂f_c/∂f for every probe i.
  let g: Tensor = b.constant("ntk/seed", x.dtype, [pk, k], seedData(x.dtype, p, k));
  let total: Tensor | undefined;
  for (let l = layers.length - 1; l >= 0; l--) {
    const layer = layers[l];
    const t = traces[l];
    const at = (what: string) => ({ name: `ntk/${layer.name}/${what}` });
    const n = layer.fanOut;
    if (layer.activation === "relu") {
      const on = b.emit(
        "Greater",
        [t.preActivation, b.scalar(`ntk/${layer.name}/zero`, x.dtype, 0)],
        {},
        at("on"),
      );
      const mask = b.emit("Cast", [on], { to: castCode(x.dtype) }, at("mask"));
      g = k === 1
        ? b.emit("Mul", [g, mask], {}, at("masked"))
        : perProbe(b, g, mask, p, k, n, layer.name);
    }
    // δ = γ · ∂f/∂z'
    const gamma = layer.outputScale ?? 1;
    const delta = gamma === 1
      ? g
      : b.emit("Mul", [g, b.scalar(`ntk/${layer.name}/gamma`, x.dtype, gamma)], {}, at("delta"));
    const dd = b.emit("Gemm", [delta, delta], { transB: 1 }, at("delta_gram"));
    const ss = b.emit("Gemm", [t.scaledInput, t.scaledInput], { transB: 1 }, at("input_gram"));
    const ssk = k === 1 ? ss : repeatBlocks(b, ss, p, k, layer.name);
    const wTerm = b.emit(
      "Mul",
      [b.emit("Mul", [dd, ssk], {}, at("weight_gram")), lrOf(t.weight.name)],
      {},
      at("weight_term"),
    );
    let term = wTerm;
    if (t.bias) {
      const bTerm = b.emit("Mul", [dd, lrOf(t.bias.name)], {}, at("bias_term"));
      term = b.emit("Add", [wTerm, bTerm], {}, at("term"));
    }
    total = total === undefined ? term : b.emit("Add", [total, term], {}, at("acc"));
    if (l > 0) {
      // ∂f/∂a_in = c · δ · W
      const back = b.emit("MatMul", [delta, t.weight], {}, at("back"));
      const c = layer.inputScale ?? 1;
      g = c === 1
        ? back
        : b.emit("Mul", [back, b.scalar(`ntk/${layer.name}/c`, x.dtype, c)], {}, at("back_scaled"));
    }
  }
  return b.emit("Identity", [total!], {}, { name: "ntk" });
}

function seedData(dtype: Tensor["dtype"], p: number, k: number) {
  const n = p * k * k;
  const data = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
  for (let r = 0; r < p * k; r++) data[r * k + (r % k)] = 1;
  return data;
}

/** Multiplies rows (i, c) of g [P·k, n] by mask row i [P, n]. */
function perProbe(
  b: GraphBuilder,
  g: Tensor,
  mask: Tensor,
  p: number,
  k: number,
  n: number,
  name: string,
): Tensor {
  const g3 = b.emit("Reshape", [g, b.int64s(`ntk/${name}/g3_shape`, [p, k, n])], {}, {
    name: `ntk/${name}/g3`,
  });
  const m3 = b.emit("Reshape", [mask, b.int64s(`ntk/${name}/m3_shape`, [p, 1, n])], {}, {
    name: `ntk/${name}/m3`,
  });
  const prod = b.emit("Mul", [g3, m3], {}, { name: `ntk/${name}/masked3` });
  return b.emit("Reshape", [prod, b.int64s(`ntk/${name}/masked_shape`, [p * k, n])], {}, {
    name: `ntk/${name}/masked`,
  });
}

/** Kronecker product with a k×k block of ones: [P,P] → [P·k, P·k]. */
function repeatBlocks(b: GraphBuilder, ss: Tensor, p: number, k: number, name: string): Tensor {
  const at = (what: string) => ({ name: `ntk/${name}/${what}` });
  const s4 = b.emit("Reshape", [ss, b.int64s(`ntk/${name}/s4_shape`, [p, 1, p, 1])], {}, at("s4"));
  const e4 = b.emit("Expand", [s4, b.int64s(`ntk/${name}/e4_shape`, [p, k, p, k])], {}, at("e4"));
  return b.emit(
    "Reshape",
    [e4, b.int64s(`ntk/${name}/kron_shape`, [p * k, p * k])],
    {},
    at("input_gram_k"),
  );
}
