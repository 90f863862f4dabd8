import assert from "node:assert/strict";
import { OP_SCHEMAS, OP_TYPES, runGraph, serializeModel } from "../onnx/mod.ts";
import { emitBackward } from "./backward.ts";
import { GraphBuilder, type Tensor } from "./builder.ts";
import { GradientError, type PartialGradRegistry } from "./grad_rule.ts";
import { GRADS } from "./grads/mod.ts";

function tinyNet() {
  const b = new GraphBuilder("tiny");
  const x = b.input("x", "float64", [2, 3]);
  const w = b.param("fc1.weight", "float64", [4, 3]);
  const h = b.emit("Gemm", [x, w], { transB: 1 }, { name: "fc1" });
  const a = b.emit("Relu", [h], {}, { name: "act1" });
  const loss = b.emit("ReduceSum", [a, b.int64s("axes", [0, 1])], { keepdims: 0 }, {
    name: "loss",
  });
  return { b, w, loss };
}

Deno.test("GRADS has an entry for every OpType, registered under its own op", () => {
  for (const op of OP_TYPES) {
    const rule = GRADS[op];
    assert.ok(rule !== undefined, `missing ${op}`);
    if ("op" in rule) assert.equal(rule.op, op);
    else assert.equal(rule.kind, "no_grad");
  }
  assert.deepEqual(Object.keys(GRADS).sort(), Object.keys(OP_SCHEMAS).sort());
});

Deno.test("emitBackward() throws naming the op and node when a rule is missing", () => {
  const { b, w, loss } = tinyNet();
  const { Relu: _, ...withoutRelu } = GRADS;
  const rules: PartialGradRegistry = withoutRelu;
  assert.throws(
    () => emitBackward(b, loss, [w], { rules }),
    (e: unknown) =>
      e instanceof GradientError && e.message === 'No gradient rule for op "Relu" at node "act1"',
  );
});

Deno.test("emitBackward() rejects a rule that returns a gradient of the wrong shape", () => {
  const { b, w, loss } = tinyNet();
  const rules: PartialGradRegistry = {
    ...GRADS,
    Relu: { op: "Relu", grad: (g) => ({ X: g.emit("Transpose", [g.dY()]) }) },
  };
  assert.throws(() => emitBackward(b, loss, [w], { rules }), GradientError);
});

Deno.test("emitBackward() names gradients <param>_grad and emits byte-identical graphs", () => {
  const build = () => {
    const { b, w, loss } = tinyNet();
    const [g] = emitBackward(b, loss, [w]);
    b.output(g);
    return b.build();
  };
  const first = build();
  assert.equal(first.outputs[0].name, "fc1.weight_grad");
  assert.ok(first.nodes.every((n) => !/[0-9a-f]{8}-/.test(n.name)));
  assert.deepEqual(serializeModel(first), serializeModel(build()));
});

Deno.test("emitBackward() gives zeros for a parameter the loss does not depend on", async () => {
  const b = new GraphBuilder("unused");
  const x = b.input("x", "float64", [2]);
  const unused = b.param("unused", "float64", [3]);
  const loss = b.emit("ReduceSum", [b.emit("Mul", [x, x]), b.int64s("ax", [0])], { keepdims: 0 });
  const grads = emitBackward(b, loss, [x, unused]);
  for (const g of grads) b.output(g);
  const out = await runGraph(b.build(), {
    x: new Float64Array([1, -3]),
    unused: new Float64Array(3),
  });
  assert.deepEqual([...out.x_grad.data as Float64Array], [2, -6]);
  assert.deepEqual([...out.unused_grad.data as Float64Array], [0, 0, 0]);
});

Deno.test("emitBackward() with a seed returns seed times the gradient, and checks the seed", async () => {
  const { b, w, loss } = tinyNet();
  const s = b.input("s", "float64", []);
  const [g] = emitBackward(b, loss, [w], { seed: s });
  b.output(g);
  const x = new Float64Array([1, -2, 0.5, 3, 1, -1]);
  const w0 = new Float64Array([0.2, -0.1, 0.4, -0.3, 0.1, 0.2, 0.5, 0.5, -0.5, 0.1, 0.1, 0.1]);
  const out = await runGraph(b.build(), { x, "fc1.weight": w0, s: new Float64Array([0.3]) });
  // ∂loss/∂W[j,k] = Σ_n [x_n·W_j > 0] x_nk for loss = Σ relu(x·Wᵀ)
  const want = Array.from({ length: 12 }, (_, i) => {
    const [j, k] = [Math.floor(i / 3), i % 3];
    let v = 0;
    for (let n = 0; n < 2; n++) {
      const z = x[3 * n] * w0[3 * j] + x[3 * n + 1] * w0[3 * j + 1] + x[3 * n + 2] * w0[3 * j + 2];
      if (z > 0) v += x[3 * n + k];
    }
    return 0.3 * v;
  });
  const got = out["fc1.weight_grad"].data as Float64Array;
  want.forEach((v, i) => assert.ok(Math.abs(got[i] - v) <= 1e-15, `${i}: ${got[i]} vs ${v}`));
  const bad = tinyNet();
  const vec = bad.b.input("s", "float64", [1]);
  assert.throws(() => emitBackward(bad.b, bad.loss, [bad.w], { seed: vec }), /scalar float64 seed/);
});

Deno.test("emitBackward() stops at discrete outputs (ArgMax) without error", () => {
  const b = new GraphBuilder("argmax");
  const x = b.input("x", "float64", [2, 3]);
  const idx = b.emit("ArgMax", [x], { axis: 1, keepdims: 0 });
  const f = b.emit("Cast", [idx], { to: 11 });
  const loss = b.emit("ReduceSum", [f, b.int64s("ax", [0])], { keepdims: 0 });
  const [g] = emitBackward(b, loss, [x]);
  assert.equal(g.name, "x_grad");
});

Deno.test("emitBackward() rejects a non-scalar loss", () => {
  const b = new GraphBuilder("bad");
  const x = b.input("x", "float64", [2]);
  assert.throws(() => emitBackward(b, x, [x]), RangeError);
});

/** y = 3·x through a region whose rule returns `scale`·dY (3 is right), and a leak through x2. */
function regionNet(scale: number, leak: boolean) {
  const b = new GraphBuilder("region");
  const x = b.input("x", "float64", [2, 3]);
  let inside: Tensor | undefined;
  const [y] = b.withGradient("triple", [x], () => {
    inside = b.emit("Add", [x, x], {}, { name: "x2" });
    return [b.emit("Add", [inside, x], {}, { name: "x3" })];
  }, (g) => [g.emit("Mul", [g.dY(), g.scalar("k", scale)], {}, "dx")]);
  const total = leak ? b.emit("Add", [y, inside!], {}, { name: "leaky" }) : y;
  const loss = b.emit("ReduceSum", [total, b.int64s("axes", [0, 1])], { keepdims: 0 }, {
    name: "loss",
  });
  return { b, x, loss };
}

Deno.test("emitBackward() uses a region's rule instead of its nodes' rules", async () => {
  for (const scale of [3, 5]) {
    const { b, x, loss } = regionNet(scale, false);
    const [g] = emitBackward(b, loss, [x]);
    b.output(g);
    assert.ok(b.nodes.every((n) => !n.name.startsWith("x2_grad") && !n.name.startsWith("x3_grad")));
    const out = await runGraph(b.build(), { x: new Float64Array(6) });
    assert.deepEqual([...(out["x_grad"].data as Float64Array)], Array(6).fill(scale));
  }
});

Deno.test("emitBackward() rejects a gradient that reaches a region's inside, not its outputs", () => {
  const { b, x, loss } = regionNet(3, true);
  assert.throws(
    () => emitBackward(b, loss, [x]),
    (e: unknown) =>
      e instanceof GradientError &&
      e.message ===
        'Expected gradients to leave region "triple" through its outputs only but "x2" made inside it has one',
  );
});

Deno.test("withGradient() rejects nested regions and outputs made outside the region", () => {
  const b = new GraphBuilder("bad");
  const x = b.input("x", "float64", [2]);
  const rule = () => [null];
  assert.throws(
    () =>
      b.withGradient(
        "outer",
        [x],
        () => b.withGradient("inner", [x], () => [b.emit("Neg", [x])], rule),
        rule,
      ),
    /Expected gradient regions not to nest but found "inner"/,
  );
  assert.throws(
    () => b.withGradient("empty", [x], () => [x], rule),
    /Expected output "x" of gradient region "empty" to be made inside it/,
  );
});

Deno.test("emitBackward() rejects a region that reads a tensor needing a gradient it does not list", () => {
  const build = () => {
    const b = new GraphBuilder("hidden");
    const x = b.input("x", "float64", [2]);
    const w = b.input("w", "float64", [2]);
    const [y] = b.withGradient(
      "scaled",
      [x],
      () => [b.emit("Mul", [x, w], {}, { name: "xw" })],
      (g) => [g.dY()],
    );
    const loss = b.emit("ReduceSum", [y, b.int64s("axes", [0])], { keepdims: 0 }, {
      name: "loss",
    });
    return { b, x, w, loss };
  };
  const all = build();
  assert.throws(
    () => emitBackward(all.b, all.loss, [all.x, all.w]),
    /Expected region "scaled" to list "w", which it reads and which needs a gradient, among its inputs/,
  );
  // differentiating with respect to x alone is fine: w needs no gradient then
  const one = build();
  assert.equal(emitBackward(one.b, one.loss, [one.x]).length, 1);
});
