/**
 * Feature-learning measures at logged steps (SPEC 3.1, 3.2): ζ from the learning-rate-weighted
 * empirical NTK on a fixed probe set, signed ζ_s, adjacent-layer alignment A_l, per-layer norm
 * ratios R_l and the relative parameter change. One ONNX graph computes the Gram matrix and
 * the squared norms ‖W_{l+1} W_l‖²_F; everything O(#params) is done here in float64.
 */
import type { DenseLayer } from "../arch/dense.ts";
import { type LrGroups, ntkGram } from "../arch/ntk.ts";
import { GraphBuilder } from "../autodiff/builder.ts";
import type { Graph, TensorData } from "../onnx/ir.ts";
import type { Rates } from "./schedule.ts";
import { type ExecutionProvider, Session } from "./session.ts";

/** Options of {@link NtkProbe.create}. */
export interface NtkProbeOptions {
  readonly layers: readonly DenseLayer[];
  /** Probe inputs [P, fanIn of layer 1], row-major. */
  readonly probe: Float32Array | Float64Array;
  readonly dtype: "float32" | "float64";
  /** Learning-rate groups weighting the NTK (as in `trainStep`) and their rates. */
  readonly lrGroups?: LrGroups;
  readonly rates: Rates;
  readonly ep?: ExecutionProvider;
  readonly threads?: number;
}

/** Measures of θ_t against the reference θ_0. */
export interface FeatureMeasures {
  /** ζ = ‖Θ_t − Θ_0‖_F / ‖Θ_0‖_F. */
  readonly zeta: number;
  /** ζ_s = (‖Θ_t‖_F − ‖Θ_0‖_F) / ‖Θ_0‖_F. */
  readonly zetaSigned: number;
  readonly ntkNorm: number;
  /** A_l = ‖W_{l+1} W_l‖_F / (‖W_{l+1}‖_F ‖W_l‖_F) for l = 1 … L−1. */
  readonly alignment: readonly number[];
  /** R_l = ‖W_l(t)‖_F / ‖W_l(0)‖_F for l = 1 … L. */
  readonly normRatio: readonly number[];
  /** ‖θ_t − θ_0‖ / ‖θ_0‖ over every parameter. */
  readonly paramChange: number;
}

/** The NTK-and-alignment graph of a dense chain on a probe set of `count` rows. */
export function ntkProbeGraph(
  layers: readonly DenseLayer[],
  count: number,
  dtype: "float32" | "float64",
  lrGroups: LrGroups = {},
): Graph {
  const b = new GraphBuilder("ntk_probe");
  const x = b.input("x", dtype, [count, layers[0].fanIn]);
  b.output(ntkGram(b, x, layers, lrGroups));
  for (let l = 0; l + 1 < layers.length; l++) {
    const [lo, hi] = [layers[l].name, layers[l + 1].name];
    const at = (what: string) => ({ name: `align/${lo}_${hi}/${what}` });
    // M = W_{l+1} · W_l, ‖M‖²_F = Σ M∘M
    const m = b.emit("MatMul", [b.get(`${hi}.weight`), b.get(`${lo}.weight`)], {}, at("product"));
    const sq = b.emit("Mul", [m, m], {}, at("square"));
    b.output(b.emit("ReduceSum", [sq, b.int64s(`align/${lo}_${hi}/axes`, [0, 1])], {
      keepdims: 0,
    }, at("product_sq")));
  }
  return b.build();
}

/** Computes {@link FeatureMeasures} at logged steps against a reference θ_0. */
export class NtkProbe {
  private ref?: { gram: Float64Array; gramNorm: number; params: Record<string, Float64Array> };

  private constructor(
    private readonly opts: NtkProbeOptions,
    private readonly session: Session,
    readonly count: number,
  ) {}

  /** Builds the graph once and opens it. */
  static async create(opts: NtkProbeOptions): Promise<NtkProbe> {
    const fanIn = opts.layers[0].fanIn;
    const count = opts.probe.length / fanIn;
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`Expected probe rows of ${fanIn} values but found ${opts.probe.length}`);
    }
    const graph = ntkProbeGraph(opts.layers, count, opts.dtype, opts.lrGroups);
    const session = await Session.create(graph, {
      ep: opts.ep,
      threads: opts.threads,
      spin: false,
    });
    return new NtkProbe(opts, session, count);
  }

  private async run(params: Readonly<Record<string, TensorData>>) {
    const feeds: Record<string, TensorData> = {};
    const cast = (v: TensorData) =>
      this.opts.dtype === "float32"
        ? Float32Array.from(v as Float64Array)
        : Float64Array.from(v as Float32Array);
    for (const v of this.session.graph.inputs) {
      if (v.name === "x") feeds.x = cast(this.opts.probe);
      else if (params[v.name] !== undefined) feeds[v.name] = params[v.name];
      else if (this.opts.rates[v.name] !== undefined) {
        feeds[v.name] = cast(new Float64Array([this.opts.rates[v.name]]));
      } else throw new RangeError(`Expected a parameter or rate for NTK input "${v.name}"`);
    }
    return await this.session.run(feeds);
  }

  /** The Gram matrix Θ (P·k × P·k, rows i·k + c) at `params`. */
  async gram(params: Readonly<Record<string, TensorData>>): Promise<Float64Array> {
    return Float64Array.from((await this.run(params)).ntk as Float64Array);
  }

  /** Fixes θ_0 and Θ_0 (call with the initial parameters, also after a resume). */
  async setReference(params: Readonly<Record<string, TensorData>>): Promise<void> {
    const gram = await this.gram(params);
    const names = this.opts.layers.flatMap((l) =>
      l.bias ? [`${l.name}.weight`, `${l.name}.bias`] : [`${l.name}.weight`]
    );
    const copy = Object.fromEntries(
      names.map((k) => [k, Float64Array.from(params[k] as Float64Array)]),
    );
    this.ref = { gram, gramNorm: norm(gram), params: copy };
  }

  /** ζ, ζ_s, A_l, R_l and the relative parameter change at `params`. */
  async measure(params: Readonly<Record<string, TensorData>>): Promise<FeatureMeasures> {
    if (!this.ref) await this.setReference(params);
    const ref = this.ref!;
    const out = await this.run(params);
    const gram = out.ntk as Float32Array | Float64Array;
    let diff = 0;
    for (let i = 0; i < gram.length; i++) diff += (gram[i] - ref.gram[i]) ** 2;
    const gn = norm(gram);
    const layers = this.opts.layers;
    const wNorm = layers.map((l) => norm(params[`${l.name}.weight`] as Float64Array));
    const alignment = layers.slice(0, -1).map((l, i) => {
      const sq = Number((out[`align/${l.name}_${layers[i + 1].name}/product_sq`] as TensorData)[0]);
      return Math.sqrt(sq) / (wNorm[i] * wNorm[i + 1]);
    });
    const normRatio = layers.map((l, i) => wNorm[i] / norm(ref.params[`${l.name}.weight`]));
    let dp = 0;
    let p0 = 0;
    for (const [name, v0] of Object.entries(ref.params)) {
      const v = params[name] as Float64Array;
      for (let i = 0; i < v0.length; i++) {
        dp += (v[i] - v0[i]) ** 2;
        p0 += v0[i] ** 2;
      }
    }
    return {
      zeta: Math.sqrt(diff) / ref.gramNorm,
      zetaSigned: (gn - ref.gramNorm) / ref.gramNorm,
      ntkNorm: gn,
      alignment,
      normRatio,
      paramChange: Math.sqrt(dp / p0),
    };
  }

  /** Releases the session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}
