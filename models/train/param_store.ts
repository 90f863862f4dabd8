/**
 * Current parameters and optimizer state of a run. On the CPU they are host arrays; on WebGPU
 * the outputs `<name>_next` stay on the device and are fed back as inputs, and the host copy
 * is made only on request by a small Identity graph whose outputs come back to the CPU
 * (onnxruntime-node's device tensors cannot be downloaded directly).
 */
import { GraphBuilder } from "../autodiff/builder.ts";
import type { TensorData, ValueInfo } from "../onnx/ir.ts";
import { disposeValue, type ExecutionProvider, Session, type Value } from "./session.ts";

/** Parameters and optimizer state between steps. */
export class ParamStore {
  private readonly values = new Map<string, Value>();
  private readback?: Session;

  constructor(
    readonly infos: readonly ValueInfo[],
    initial: Readonly<Record<string, TensorData>>,
    private readonly ep: ExecutionProvider = "cpu",
    private readonly threads = 0,
  ) {
    for (const v of infos) {
      const data = initial[v.name];
      const n = v.shape.reduce((a, d) => a * d, 1);
      if (data === undefined) throw new RangeError(`Expected an initial value for "${v.name}"`);
      if (data.length !== n) {
        throw new RangeError(`Expected ${n} values for "${v.name}" but found ${data.length}`);
      }
      // Copy, so the caller's arrays are never aliased by a run.
      this.values.set(v.name, data.slice());
    }
  }

  /** Names of the graph outputs that replace each value: `<name>_next`. */
  get nextNames(): string[] {
    return this.infos.map((v) => `${v.name}_next`);
  }

  /** Current values as feeds (host arrays or device tensors). */
  feeds(): Record<string, Value> {
    return Object.fromEntries(this.values);
  }

  /** Takes `<name>_next` from a step's outputs and frees the values they replace. */
  update(outputs: Readonly<Record<string, Value>>): void {
    for (const v of this.infos) {
      const next = outputs[`${v.name}_next`];
      if (next === undefined) throw new RangeError(`Expected output "${v.name}_next"`);
      disposeValue(this.values.get(v.name));
      this.values.set(v.name, next);
    }
  }

  /** Host copies of every value (a device round trip on WebGPU). */
  async host(): Promise<Record<string, TensorData>> {
    const out: Record<string, TensorData> = {};
    if (this.infos.every((v) => ArrayBuffer.isView(this.values.get(v.name)))) {
      for (const v of this.infos) out[v.name] = (this.values.get(v.name) as TensorData).slice();
      return out;
    }
    this.readback ??= await Session.create(identityGraph(this.infos), {
      ep: this.ep,
      threads: this.threads,
      spin: false,
    });
    const res = await this.readback.run(this.feeds());
    for (const v of this.infos) out[v.name] = (res[`${v.name}_host`] as TensorData).slice();
    return out;
  }

  /** Whether every host-resident value is finite (device values are checked via `host`). */
  finiteOnHost(): boolean {
    return finiteOnHost(this.values.values());
  }

  /** Whether every host-resident `<name>_next` of a step's outputs is finite, as `finiteOnHost`. */
  finiteOutputs(outputs: Readonly<Record<string, Value>>): boolean {
    return finiteOnHost(this.infos.map((v) => outputs[`${v.name}_next`]));
  }

  /** Frees device tensors and the readback session. */
  async release(): Promise<void> {
    for (const v of this.values.values()) disposeValue(v);
    await this.readback?.release();
  }
}

/**
 * Whether no element of `v` has the all-ones exponent of Inf and NaN, read through its bits: the
 * trainer checks every parameter after every step, and this is 0.73x the time of a
 * Number.isFinite loop (0.54 against 0.74 ms for the MNIST FCN's 930,000 floats).
 */
export function finiteFloat32(v: Float32Array): boolean {
  const bits = new Uint32Array(v.buffer, v.byteOffset, v.length);
  for (let i = 0; i < bits.length; i++) if ((bits[i] & 0x7f800000) === 0x7f800000) return false;
  return true;
}

function finiteOnHost(values: Iterable<Value | undefined>): boolean {
  for (const v of values) {
    if (v instanceof Float32Array ? !finiteFloat32(v) : v instanceof Float64Array && !finite(v)) {
      return false;
    }
  }
  return true;
}

function finite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

function identityGraph(infos: readonly ValueInfo[]) {
  const b = new GraphBuilder("readback");
  for (const v of infos) {
    b.output(
      b.emit("Identity", [b.input(v.name, v.dtype, v.shape)], {}, { name: `${v.name}_host` }),
    );
  }
  return b.build();
}
