/** ONNX operator set used by this project: names, named inputs, attribute kinds. */

/** Every ai.onnx operator this project emits, spelled verbatim. */
export type OpType =
  | "MatMul"
  | "Gemm"
  | "Add"
  | "Sub"
  | "Mul"
  | "Div"
  | "Neg"
  | "Relu"
  | "HardSigmoid"
  | "Identity"
  | "Exp"
  | "Reshape"
  | "Flatten"
  | "Transpose"
  | "Expand"
  | "ReduceSum"
  | "ReduceMean"
  | "LogSoftmax"
  | "Cast"
  | "Greater"
  | "Equal"
  | "ArgMax"
  | "Sqrt"
  | "Slice"
  | "Gather"
  | "Pad"
  | "Conv"
  | "ConvTranspose"
  | "BatchNormalization"
  | "AveragePool"
  | "GlobalAveragePool";

/** Kind of an attribute value as it is written into the AttributeProto. */
export type AttrKind = "int" | "float" | "ints";

/** Static description of one operator: input names (ONNX spelling) and attribute kinds. */
export interface OpSchema {
  readonly inputs: readonly string[];
  /** Inputs that may be omitted (trailing only). */
  readonly optional: readonly string[];
  readonly attrs: Readonly<Record<string, AttrKind>>;
}

const NONE = {} as const;

/** Attributes shared by Conv and ConvTranspose (auto_pad, a string, is not used). */
export const CONV_ATTRS = {
  kernel_shape: "ints",
  strides: "ints",
  pads: "ints",
  dilations: "ints",
  group: "int",
} as const;

/** One schema per op; `satisfies` makes a missing op a compile error. */
export const OP_SCHEMAS = {
  MatMul: { inputs: ["A", "B"], optional: [], attrs: NONE },
  Gemm: {
    inputs: ["A", "B", "C"],
    optional: ["C"],
    attrs: { alpha: "float", beta: "float", transA: "int", transB: "int" },
  },
  Add: { inputs: ["A", "B"], optional: [], attrs: NONE },
  Sub: { inputs: ["A", "B"], optional: [], attrs: NONE },
  Mul: { inputs: ["A", "B"], optional: [], attrs: NONE },
  Div: { inputs: ["A", "B"], optional: [], attrs: NONE },
  Neg: { inputs: ["X"], optional: [], attrs: NONE },
  Relu: { inputs: ["X"], optional: [], attrs: NONE },
  HardSigmoid: { inputs: ["X"], optional: [], attrs: { alpha: "float", beta: "float" } },
  Identity: { inputs: ["input"], optional: [], attrs: NONE },
  Exp: { inputs: ["input"], optional: [], attrs: NONE },
  Reshape: { inputs: ["data", "shape"], optional: [], attrs: NONE },
  Flatten: { inputs: ["input"], optional: [], attrs: { axis: "int" } },
  Transpose: { inputs: ["data"], optional: [], attrs: { perm: "ints" } },
  Expand: { inputs: ["input", "shape"], optional: [], attrs: NONE },
  ReduceSum: { inputs: ["data", "axes"], optional: [], attrs: { keepdims: "int" } },
  // NOTE: opset 17 ReduceMean takes axes as an attribute (input only from opset 18).
  ReduceMean: { inputs: ["data"], optional: [], attrs: { axes: "ints", keepdims: "int" } },
  LogSoftmax: { inputs: ["input"], optional: [], attrs: { axis: "int" } },
  Cast: { inputs: ["input"], optional: [], attrs: { to: "int" } },
  Greater: { inputs: ["A", "B"], optional: [], attrs: NONE },
  Equal: { inputs: ["A", "B"], optional: [], attrs: NONE },
  ArgMax: { inputs: ["data"], optional: [], attrs: { axis: "int", keepdims: "int" } },
  Sqrt: { inputs: ["X"], optional: [], attrs: NONE },
  // NOTE: only positive steps are supported (shape inference rejects others).
  Slice: {
    inputs: ["data", "starts", "ends", "axes", "steps"],
    optional: ["axes", "steps"],
    attrs: NONE,
  },
  // NOTE: indices are int64; the gradient rule needs them constant (see grads/gather.ts).
  Gather: { inputs: ["data", "indices"], optional: [], attrs: { axis: "int" } },
  // NOTE: Pad's `mode` is a string attribute; only its default, "constant", is used.
  Pad: { inputs: ["data", "pads", "constant_value"], optional: ["constant_value"], attrs: NONE },
  Conv: { inputs: ["X", "W", "B"], optional: ["B"], attrs: CONV_ATTRS },
  ConvTranspose: {
    inputs: ["X", "W", "B"],
    optional: ["B"],
    attrs: { ...CONV_ATTRS, output_padding: "ints" },
  },
  // NOTE: inference form only (training_mode 0); training-mode BN is emitted as primitives.
  BatchNormalization: {
    inputs: ["X", "scale", "B", "input_mean", "input_var"],
    optional: [],
    attrs: { epsilon: "float", momentum: "float", training_mode: "int" },
  },
  AveragePool: {
    inputs: ["X"],
    optional: [],
    attrs: {
      kernel_shape: "ints",
      strides: "ints",
      pads: "ints",
      ceil_mode: "int",
      count_include_pad: "int",
    },
  },
  GlobalAveragePool: { inputs: ["X"], optional: [], attrs: NONE },
} as const satisfies Record<OpType, OpSchema>;

/** Every op type, in declaration order. */
export const OP_TYPES = Object.keys(OP_SCHEMAS) as OpType[];

/** Input names of op `O`, e.g. `"A" | "B"` for MatMul. */
export type InputName<O extends OpType> = (typeof OP_SCHEMAS)[O]["inputs"][number];

type AttrValueOf<K> = K extends "ints" ? readonly number[] : number;

/** Typed attribute bag of op `O`; every attribute is optional, as in ONNX. */
export type OpAttrs<O extends OpType> = {
  -readonly [K in keyof (typeof OP_SCHEMAS)[O]["attrs"]]?: AttrValueOf<
    (typeof OP_SCHEMAS)[O]["attrs"][K]
  >;
};

/** Attribute bag as stored in the IR (already validated against the schema). */
export type AttrBag = Readonly<Record<string, number | readonly number[]>>;
