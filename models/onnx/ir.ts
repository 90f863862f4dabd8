/** Typed intermediate representation of an ONNX model, independent of protobuf. */
import type { AttrBag, AttrKind, OpType } from "./ops.ts";

/**
 * ai.onnx opset every model is stamped with. 17 is the newest that Debian's python3-onnx 1.12
 * checker knows; in it ReduceSum takes axes as an input and ReduceMean as an attribute.
 */
export const OPSET = 17;
/** IR version matching opset 17 (ONNX 1.12). */
export const IR_VERSION = 8;

/** Element types used here; int64 and bool appear in shapes, labels and masks. */
export type DType = "float32" | "float64" | "int64" | "bool";

/** TensorProto.DataType codes. */
export const DTYPE_CODE: Readonly<Record<DType, number>> = {
  float32: 1,
  int64: 7,
  bool: 9,
  float64: 11,
};

/** Name, element type and static shape of a graph value. */
export interface ValueInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** Typed array holding the data of a tensor of the given dtype. */
export type TensorData = Float32Array | Float64Array | BigInt64Array | Uint8Array;

/** A constant stored in the graph. */
export interface Initializer extends ValueInfo {
  readonly data: TensorData;
}

/** One operator application. */
export interface Node {
  readonly name: string;
  readonly op: OpType;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: AttrBag;
  /** Emitted as the node's doc_string (the math it implements). */
  readonly doc?: string;
}

/** A complete graph: nodes are in topological order. */
export interface Graph {
  readonly name: string;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly initializers: readonly Initializer[];
  readonly nodes: readonly Node[];
}

/**
 * A node of one of onnxruntime's own operator domains, such as its NCHWc convolutions
 * (com.microsoft.nchwc). Only the rewrites a provider needs emit these (models/train/provider.ts),
 * after differentiation: autodiff, shape inference and the reference evaluator never see them.
 */
export interface DomainNode {
  readonly name: string;
  readonly domain: string;
  /** Operator version of `domain` stamped into the model's opset imports. */
  readonly version: number;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: AttrBag;
  /** How each attribute is encoded (these ops have no entry in OP_SCHEMAS). */
  readonly attrKinds: Readonly<Record<string, AttrKind>>;
}

/** A graph as a provider runs it: the standard ops plus nodes of onnxruntime's domains. */
export interface ProviderGraph extends Omit<Graph, "nodes"> {
  readonly nodes: readonly (Node | DomainNode)[];
}

/** Whether `n` belongs to one of onnxruntime's own domains. */
export function isDomainNode(n: Node | DomainNode): n is DomainNode {
  return "domain" in n;
}

/** Number of elements of a static shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Allocates a zero-filled typed array for `dtype`. */
export function allocData(dtype: DType, n: number): TensorData {
  switch (dtype) {
    case "float32":
      return new Float32Array(n);
    case "float64":
      return new Float64Array(n);
    case "int64":
      return new BigInt64Array(n);
    case "bool":
      return new Uint8Array(n);
  }
}

/** A 1-D int64 initializer holding `values` (shapes, axes and perms that rewrites add). */
export function int64Initializer(name: string, values: readonly number[]): Initializer {
  return { name, dtype: "int64", shape: [values.length], data: BigInt64Array.from(values, BigInt) };
}
