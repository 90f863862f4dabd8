/** Serialises the typed IR to ModelProto bytes through onnx-proto. */
import pkg from "onnx-proto";
import {
  DTYPE_CODE,
  type Graph,
  type Initializer,
  IR_VERSION,
  isDomainNode,
  OPSET,
  type ProviderGraph,
  type ValueInfo,
} from "./ir.ts";
import { type AttrKind, OP_SCHEMAS } from "./ops.ts";

const { onnx } = pkg;
const ATTR_TYPE = onnx.AttributeProto.AttributeType;

/** Producer stamped into every model; part of the bytes, so keep it stable. */
export const PRODUCER = "three-mechanisms-autodiff";

function valueInfoProto(v: ValueInfo): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name: v.name,
    type: {
      tensorType: {
        elemType: DTYPE_CODE[v.dtype],
        shape: { dim: v.shape.map((d) => ({ dimValue: d })) },
      },
    },
  });
}

/** Little-endian raw bytes of an initializer, written element by element. */
export function rawBytes(init: Initializer): Uint8Array {
  const d = init.data;
  const width = d instanceof Uint8Array ? 1 : d instanceof Float32Array ? 4 : 8;
  const out = new Uint8Array(d.length * width);
  const view = new DataView(out.buffer);
  for (let i = 0; i < d.length; i++) {
    if (d instanceof Float32Array) view.setFloat32(i * 4, d[i], true);
    else if (d instanceof Float64Array) view.setFloat64(i * 8, d[i], true);
    else if (d instanceof BigInt64Array) view.setBigInt64(i * 8, d[i], true);
    else view.setUint8(i, d[i]);
  }
  return out;
}

function tensorProto(init: Initializer): InstanceType<typeof onnx.TensorProto> {
  return onnx.TensorProto.create({
    name: init.name,
    dims: [...init.shape],
    dataType: DTYPE_CODE[init.dtype],
    rawData: rawBytes(init),
  });
}

function attributeProto(name: string, kind: AttrKind, value: number | readonly number[]) {
  switch (kind) {
    case "int":
      return onnx.AttributeProto.create({ name, type: ATTR_TYPE.INT, i: value as number });
    case "float":
      return onnx.AttributeProto.create({ name, type: ATTR_TYPE.FLOAT, f: value as number });
    case "ints":
      return onnx.AttributeProto.create({
        name,
        type: ATTR_TYPE.INTS,
        ints: [...(value as readonly number[])],
      });
  }
}

/**
 * Encodes `graph` as a ModelProto stamped with the pinned opset (and, for the nodes of
 * onnxruntime's own domains that provider rewrites add, those domains' versions); deterministic
 * bytes.
 */
export function serializeModel(graph: Graph | ProviderGraph): Uint8Array {
  const domains = new Map<string, number>();
  const nodes = graph.nodes.map((n) => {
    const kinds: Readonly<Record<string, AttrKind>> = isDomainNode(n)
      ? n.attrKinds
      : OP_SCHEMAS[n.op].attrs;
    if (isDomainNode(n)) {
      const seen = domains.get(n.domain);
      if (seen !== undefined && seen !== n.version) {
        throw new RangeError(
          `Expected one version of domain "${n.domain}" but found ${seen} and ${n.version}`,
        );
      }
      domains.set(n.domain, n.version);
    }
    const attribute = Object.keys(n.attrs).sort().map((k) => {
      const kind = kinds[k];
      if (kind === undefined) {
        throw new TypeError(`Expected a known attribute of "${n.op}" but found "${k}"`);
      }
      return attributeProto(k, kind, n.attrs[k]);
    });
    return onnx.NodeProto.create({
      name: n.name,
      opType: n.op,
      domain: isDomainNode(n) ? n.domain : "",
      input: [...n.inputs],
      output: [...n.outputs],
      attribute,
      docString: isDomainNode(n) ? "" : n.doc ?? "",
    });
  });
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: PRODUCER,
    opsetImport: [
      { domain: "", version: OPSET },
      ...[...domains].sort().map(([domain, version]) => ({ domain, version })),
    ],
    graph: onnx.GraphProto.create({
      name: graph.name,
      node: nodes,
      input: graph.inputs.map(valueInfoProto),
      output: graph.outputs.map(valueInfoProto),
      initializer: graph.initializers.map(tensorProto),
    }),
  });
  return onnx.ModelProto.encode(model).finish();
}
