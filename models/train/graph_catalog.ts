/**
 * Every ONNX graph the pipeline runs, built deterministically from the SPEC's settings: the
 * two-layer linear and ReLU networks of Figure 1 (six parametrisations at d = 10⁴, regression
 * and 10-class CE), the MNIST FCN of Figure 2, the CIFAR-10 FCN of SPEC 5.5 and ResNet-18 of
 * Figure 3, each with its training step, evaluation graph and/or NTK-probe graph.
 */
import { type LossSpec, trainStep, type TrainStepSpec } from "../autodiff/mod.ts";
import {
  denseChain,
  type DenseLayer,
  mlp,
  mlpLayers,
  resnet18,
  twoLayerLinear,
  twoLayerLinearLayers,
  twoLayerRelu,
  twoLayerReluLayers,
} from "../arch/mod.ts";
import { type TableVariant, TWO_LAYER_NAMES, twoLayerSetup } from "../init/mod.ts";
import type { Graph } from "../onnx/mod.ts";
import { evalStep } from "./evaluate.ts";
import { ntkProbeGraph } from "./ntk_probe.ts";

/** One graph to write: file stem, what it is (for the sidecar) and its builder. */
export interface CatalogEntry {
  readonly file: string;
  readonly about: Readonly<Record<string, string | number | boolean>>;
  readonly build: () => Graph;
}

/** Settings of the catalog (defaults: SPEC 5.1, 5.3, 5.5). */
export const CATALOG_SETTINGS = {
  fig1: { width: 10000, inputDim: 10, samples: 1000, probe: 100, classes: 10 },
  linear: { width: 10000, samples: 1000, probe: 100 },
  mnist: { sizes: [784, 512, 512, 512, 10], bias: false, batch: 128, evalBatch: 500, probe: 100 },
  cifar: { sizes: [3072, 2048, 10], bias: true, batch: 128, evalBatch: 500 },
  resnet: { width: 1, batch: 128, evalBatch: 100 },
} as const;

/** ResNet-18 (kuangliu) training step with the SPEC 8 optimiser, and its eval graph. */
function resnetEntries(): CatalogEntry[] {
  const r = CATALOG_SETTINGS.resnet;
  const loss: LossSpec = { kind: "softmax_ce", labels: "index" };
  const about = { model: "resnet18", width: r.width, dtype: "float32" };
  return [
    stepEntry("fig3_resnet18_train", { ...about, batch: r.batch }, {
      name: "resnet18",
      dtype: "float32",
      batch: r.batch,
      inputShape: [3, 32, 32],
      forward: (b, x) => resnet18(b, x, { training: true, width: r.width }),
      loss,
      sgd: { momentum: 0.9, weightDecay: 5e-4 },
    }),
    {
      file: "fig3_resnet18_eval",
      about: { kind: "eval", ...about, batch: r.evalBatch },
      build: () =>
        evalStep({
          name: "resnet18_eval",
          dtype: "float32",
          batch: r.evalBatch,
          inputShape: [3, 32, 32],
          forward: (b, x) => resnet18(b, x, { training: false, width: r.width }),
          loss,
        }),
    },
  ];
}

function stepEntry(file: string, about: CatalogEntry["about"], spec: TrainStepSpec): CatalogEntry {
  return { file, about: { kind: "train", ...about }, build: () => trainStep(spec).graph };
}

function fig1Entries(variant: TableVariant, names: readonly string[]): CatalogEntry[] {
  const s = CATALOG_SETTINGS.fig1;
  const out: CatalogEntry[] = [];
  for (const name of TWO_LAYER_NAMES.filter((n) => names.includes(n))) {
    const setup = twoLayerSetup(name, variant, s.width, s.inputDim);
    const stem = variant === "corrected" ? `fig1_${name}` : `fig1_${name}_literal`;
    const net = { width: s.width, gamma: setup.gamma, inputScale: setup.inputScale };
    const about = { parametrisation: name, variant, width: s.width, gamma: setup.gamma };
    const base = { dtype: "float32" as const, batch: s.samples, inputShape: [s.inputDim] };
    const ceLayers = (): DenseLayer[] => {
      const [hidden, head] = twoLayerReluLayers(net, s.inputDim);
      return [hidden, { ...head, fanOut: s.classes }];
    };
    out.push(
      stepEntry(`${stem}_mse_train`, { ...about, loss: "mse" }, {
        ...base,
        name: `${stem}_mse_train`,
        forward: (b, x) => twoLayerRelu(b, x, net),
        loss: { kind: "mse" },
      }),
      stepEntry(`${stem}_ce_train`, { ...about, loss: "softmax_ce" }, {
        ...base,
        name: `${stem}_ce_train`,
        // The 10-class head is the same output layer with fanOut 10 (SPEC 5.2: u ∈ R^{d×10}).
        forward: (b, x) => denseChain(b, x, ceLayers()).at(-1)!.out,
        loss: { kind: "softmax_ce", labels: "index" },
      }),
      {
        file: `${stem}_ntk`,
        about: { kind: "ntk", ...about, probe: s.probe, outputs: 1 },
        build: () => ntkProbeGraph(twoLayerReluLayers(net, s.inputDim), s.probe, "float32"),
      },
      {
        file: `${stem}_ce_ntk`,
        about: { kind: "ntk", ...about, probe: s.probe, outputs: s.classes },
        build: () => ntkProbeGraph(ceLayers(), s.probe, "float32"),
      },
    );
  }
  return out;
}

function linearEntries(): CatalogEntry[] {
  const s = CATALOG_SETTINGS.linear;
  const groups = { eta_u: ["fc2.weight"], eta_w: ["fc1.weight"] };
  return TWO_LAYER_NAMES.flatMap((name) => {
    const setup = twoLayerSetup(name, "corrected", s.width, 1);
    const net = { width: s.width, gamma: setup.gamma };
    const about = {
      parametrisation: name,
      variant: "corrected",
      width: s.width,
      gamma: setup.gamma,
    };
    return [
      stepEntry(`linear_${name}_train`, { ...about, loss: "mse" }, {
        name: `linear_${name}_train`,
        dtype: "float64",
        batch: s.samples,
        inputShape: [1],
        forward: (b, x) => twoLayerLinear(b, x, net),
        loss: { kind: "mse" },
        lrGroups: groups,
      }),
      {
        file: `linear_${name}_ntk`,
        about: { kind: "ntk", ...about, probe: s.probe, outputs: 1 },
        build: () => ntkProbeGraph(twoLayerLinearLayers(net), s.probe, "float64", groups),
      },
    ];
  });
}

function fcnEntries(
  stem: string,
  cfg: { sizes: readonly number[]; bias: boolean; batch: number; evalBatch: number },
  loss: LossSpec,
  probe?: number,
): CatalogEntry[] {
  const spec = { sizes: cfg.sizes, bias: cfg.bias };
  const common = { dtype: "float32" as const, inputShape: [cfg.sizes[0]], loss };
  const about = { sizes: cfg.sizes.join("-"), bias: cfg.bias, loss: loss.kind };
  const out: CatalogEntry[] = [
    stepEntry(`${stem}_train`, { ...about, batch: cfg.batch }, {
      ...common,
      name: `${stem}_train`,
      batch: cfg.batch,
      forward: (b, x) => mlp(b, x, spec),
    }),
    {
      file: `${stem}_eval`,
      about: { kind: "eval", ...about, batch: cfg.evalBatch },
      build: () =>
        evalStep({
          ...common,
          name: `${stem}_eval`,
          batch: cfg.evalBatch,
          forward: (b, x) => mlp(b, x, spec),
        }),
    },
  ];
  if (probe !== undefined) {
    out.push({
      file: `${stem}_ntk`,
      about: { kind: "ntk", ...about, probe, outputs: cfg.sizes.at(-1)! },
      build: () => ntkProbeGraph(mlpLayers(spec), probe, "float32"),
    });
  }
  return out;
}

/** All pipeline graphs, in a fixed order. */
export function pipelineGraphs(): CatalogEntry[] {
  const m = CATALOG_SETTINGS.mnist;
  return [
    ...fig1Entries("corrected", TWO_LAYER_NAMES),
    // The seed's literal table differs in graph only for "ntk" (γ = 1/d); its Kaiming rate is a feed.
    ...fig1Entries("literal", ["ntk"]),
    ...linearEntries(),
    ...fcnEntries("fig2_mnist_fcn", m, { kind: "mse", accuracy: true }, m.probe),
    ...fcnEntries("cifar_fcn", CATALOG_SETTINGS.cifar, { kind: "softmax_ce", labels: "index" }),
    ...resnetEntries(),
  ];
}
