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
  | "ArgMax";

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
