import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { finiteFloat32, ParamStore } from "./param_store.ts";

// The WebGPU path keeps `ort.Tensor` values between steps and copies them to the host through an
// Identity graph. The same code runs here with CPU-located tensors standing in for device ones.
Deno.test("ParamStore passes tensor values through and reads them back via the Identity graph", async () => {
  const infos = [
    { name: "w", dtype: "float32" as const, shape: [2, 2] },
    { name: "w.momentum", dtype: "float32" as const, shape: [2, 2] },
  ];
  const init = { w: new Float32Array([1, 2, 3, 4]), "w.momentum": new Float32Array(4) };
  const store = new ParamStore(infos, init, "cpu", 1);
  try {
    assert.deepEqual(store.nextNames, ["w_next", "w.momentum_next"]);
    init.w[0] = 99;
    assert.deepEqual(
      (await store.host()).w,
      new Float32Array([1, 2, 3, 4]),
      "initial values are copied",
    );
    store.update({
      w_next: new ort.Tensor("float32", new Float32Array([5, 6, 7, 8]), [2, 2]),
      "w.momentum_next": new ort.Tensor("float32", new Float32Array([0, 0, 0, NaN]), [2, 2]),
    });
    assert.ok(store.feeds().w instanceof ort.Tensor, "tensors are fed back untouched");
    assert.equal(store.finiteOnHost(), true, "tensor values are not scanned on the host");
    const host = await store.host();
    assert.deepEqual(host.w, new Float32Array([5, 6, 7, 8]));
    assert.ok(Number.isNaN((host["w.momentum"] as Float32Array)[3]));
    assert.throws(() => store.update({ w_next: new Float32Array(4) }), RangeError);
  } finally {
    await store.release();
  }
});

Deno.test("finiteFloat32() and finiteOnHost() find NaN and ±Inf anywhere, and nothing else", () => {
  const edge = [
    0,
    -0,
    3.4028234663852886e38,
    -3.4028234663852886e38,
    1e-45,
    -1e-45,
    1.17549435e-38,
  ];
  assert.ok(finiteFloat32(new Float32Array(edge)));
  for (const bad of [NaN, Infinity, -Infinity]) {
    for (const at of [0, 3, 6]) {
      const v = new Float32Array(edge);
      v[at] = bad;
      assert.equal(finiteFloat32(v), false, `${bad} at ${at}`);
      // views that start past the bad element or end before it do not see it
      assert.equal(finiteFloat32(v.subarray(at + 1)), true);
      assert.equal(finiteFloat32(v.subarray(0, at)), true);
    }
  }
  // a NaN with another payload and the sign bit set
  const odd = new Float32Array(edge);
  new Uint32Array(odd.buffer)[2] = 0xffc00001;
  assert.ok(Number.isNaN(odd[2]));
  assert.equal(finiteFloat32(odd), false);
  const infos = [
    { name: "a", dtype: "float32" as const, shape: [2] },
    { name: "b", dtype: "float64" as const, shape: [2] },
  ];
  const store = (a: number, b: number) =>
    new ParamStore(infos, { a: new Float32Array([1, a]), b: new Float64Array([b, 2]) });
  assert.ok(store(0, 1e300).finiteOnHost());
  assert.equal(store(NaN, 0).finiteOnHost(), false);
  assert.equal(store(0, -Infinity).finiteOnHost(), false);
});

Deno.test("ParamStore rejects a missing or wrongly sized initial value, naming it", () => {
  const infos = [
    { name: "w", dtype: "float32" as const, shape: [2, 3] },
    { name: "b", dtype: "float32" as const, shape: [3] },
  ];
  assert.throws(
    () => new ParamStore(infos, { w: new Float32Array(6) }),
    (e: Error) => e instanceof RangeError && /Expected an initial value for "b"/.test(e.message),
  );
  assert.throws(
    () => new ParamStore(infos, { w: new Float32Array(5), b: new Float32Array(3) }),
    (e: Error) =>
      e instanceof RangeError && /Expected 6 values for "w" but found 5/.test(e.message),
  );
});

Deno.test("ParamStore.host() returns copies, also where some values are tensors and some host arrays", async () => {
  const infos = [
    { name: "w", dtype: "float32" as const, shape: [2] },
    { name: "v", dtype: "float32" as const, shape: [2] },
  ];
  const store = new ParamStore(infos, { w: new Float32Array([1, 2]), v: new Float32Array(2) });
  try {
    const first = await store.host();
    (first.w as Float32Array)[0] = 99;
    assert.deepEqual(
      (await store.host()).w,
      new Float32Array([1, 2]),
      "a caller's edit stays its own",
    );
    store.update({
      w_next: new Float32Array([3, 4]),
      v_next: new ort.Tensor("float32", new Float32Array([5, 6]), [2]),
    });
    const host = await store.host();
    assert.deepEqual(host.w, new Float32Array([3, 4]));
    assert.deepEqual(host.v, new Float32Array([5, 6]));
  } finally {
    await store.release();
  }
});
