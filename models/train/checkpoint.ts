/**
 * Training checkpoints: parameters, optimizer state, position (step, epoch, batch within the
 * epoch: the shuffle of an epoch is a pure function of it) and the loss history, in one file
 * written atomically (temporary file, then rename). Layout of `checkpoint.bin`:
 * "OTCK" · u32 LE version · u32 LE header length · canonical JSON header · payload, where the
 * payload holds each tensor's little-endian values in header order, then the float64 loss and
 * accuracy histories; the header carries the payload's SHA-256.
 */
import type { DType, TensorData, ValueInfo } from "../onnx/ir.ts";

/** Raised for a missing field, a corrupt file or a checkpoint of another graph. */
export class CheckpointError extends Error {
  override name = "CheckpointError";
}

/** Everything needed to continue a run bit for bit. */
export interface Checkpoint {
  readonly graph: string;
  /** Updates done so far. */
  readonly step: number;
  /** Position of the next batch: epoch and batch index within it. */
  readonly epoch: number;
  readonly batch: number;
  readonly tensors: Readonly<Record<string, TensorData>>;
  readonly infos: readonly ValueInfo[];
  readonly losses: Float64Array;
  readonly accuracies: Float64Array;
}

const MAGIC = 0x4b43544f; // "OTCK" read as a little-endian u32
const VERSION = 1;
/** File name inside the checkpoint folder. */
export const CHECKPOINT_FILE = "checkpoint.bin";
const WIDTH: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int64: 8, bool: 1 };

function encodeTensor(dv: DataView, at: number, dtype: DType, data: TensorData): void {
  for (let i = 0; i < data.length; i++) {
    const o = at + i * WIDTH[dtype];
    if (dtype === "float32") dv.setFloat32(o, data[i] as number, true);
    else if (dtype === "float64") dv.setFloat64(o, data[i] as number, true);
    else if (dtype === "int64") dv.setBigInt64(o, data[i] as bigint, true);
    else dv.setUint8(o, data[i] as number);
  }
}

function decodeTensor(dv: DataView, at: number, dtype: DType, n: number): TensorData {
  const out = dtype === "float32"
    ? new Float32Array(n)
    : dtype === "float64"
    ? new Float64Array(n)
    : dtype === "int64"
    ? new BigInt64Array(n)
    : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const o = at + i * WIDTH[dtype];
    if (dtype === "float32") out[i] = dv.getFloat32(o, true);
    else if (dtype === "float64") out[i] = dv.getFloat64(o, true);
    else if (dtype === "int64") out[i] = dv.getBigInt64(o, true);
    else out[i] = dv.getUint8(o);
  }
  return out;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Serialises a checkpoint to bytes. */
export async function encodeCheckpoint(ck: Checkpoint): Promise<Uint8Array> {
  for (const v of ck.infos) {
    if (ck.tensors[v.name] === undefined) {
      throw new CheckpointError(`Expected tensor "${v.name}" to save`);
    }
  }
  const sizes = ck.infos.map((v) => ck.tensors[v.name].length * WIDTH[v.dtype]);
  const histBytes = 8 * (ck.losses.length + ck.accuracies.length);
  const payload = new Uint8Array(sizes.reduce((a, b) => a + b, 0) + histBytes);
  const dv = new DataView(payload.buffer);
  let at = 0;
  ck.infos.forEach((v, i) => {
    encodeTensor(dv, at, v.dtype, ck.tensors[v.name]);
    at += sizes[i];
  });
  encodeTensor(dv, at, "float64", ck.losses);
  encodeTensor(dv, at + 8 * ck.losses.length, "float64", ck.accuracies);
  const header = {
    accuracies: ck.accuracies.length,
    batch: ck.batch,
    epoch: ck.epoch,
    graph: ck.graph,
    losses: ck.losses.length,
    sha256: await sha256(payload),
    step: ck.step,
    tensors: ck.infos.map((v) => ({ dtype: v.dtype, name: v.name, shape: [...v.shape] })),
  };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(12 + head.length + payload.length);
  const odv = new DataView(out.buffer);
  odv.setUint32(0, MAGIC, true);
  odv.setUint32(4, VERSION, true);
  odv.setUint32(8, head.length, true);
  out.set(head, 12);
  out.set(payload, 12 + head.length);
  return out;
}

/** Parses bytes written by {@link encodeCheckpoint}; verifies magic, version and digest. */
export async function decodeCheckpoint(
  bytes: Uint8Array,
  name = CHECKPOINT_FILE,
): Promise<Checkpoint> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || dv.getUint32(0, true) !== MAGIC) {
    throw new CheckpointError(`Expected checkpoint magic "OTCK" in "${name}"`);
  }
  const version = dv.getUint32(4, true);
  if (version !== VERSION) {
    throw new CheckpointError(
      `Expected checkpoint version ${VERSION} in "${name}" but found ${version}`,
    );
  }
  const headLen = dv.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headLen)));
  const payload = bytes.slice(12 + headLen);
  const digest = await sha256(payload);
  if (digest !== header.sha256) {
    throw new CheckpointError(
      `Expected payload SHA-256 ${header.sha256} in "${name}" but found ${digest}`,
    );
  }
  const pdv = new DataView(payload.buffer);
  const infos: ValueInfo[] = header.tensors;
  const tensors: Record<string, TensorData> = {};
  let at = 0;
  for (const v of infos) {
    const n = v.shape.reduce((a, d) => a * d, 1);
    tensors[v.name] = decodeTensor(pdv, at, v.dtype, n);
    at += n * WIDTH[v.dtype];
  }
  const losses = decodeTensor(pdv, at, "float64", header.losses) as Float64Array;
  const accuracies = decodeTensor(pdv, at + 8 * header.losses, "float64", header.accuracies);
  return {
    graph: header.graph,
    step: header.step,
    epoch: header.epoch,
    batch: header.batch,
    tensors,
    infos,
    losses,
    accuracies: accuracies as Float64Array,
  };
}

/** Writes `checkpoint.bin` in `dir` atomically (temporary file in the same folder, rename). */
export async function saveCheckpoint(dir: string, ck: Checkpoint): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${dir}/${CHECKPOINT_FILE}.tmp`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    const bytes = await encodeCheckpoint(ck);
    for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
    await file.syncData();
  } finally {
    file.close();
  }
  await Deno.rename(tmp, `${dir}/${CHECKPOINT_FILE}`);
}

/** Reads the checkpoint in `dir`, or returns undefined when there is none. */
export async function loadCheckpoint(dir: string): Promise<Checkpoint | undefined> {
  const path = `${dir}/${CHECKPOINT_FILE}`;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  return await decodeCheckpoint(bytes, path);
}
