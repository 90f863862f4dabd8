import assert from "node:assert/strict";
import { GraphBuilder } from "../autodiff/mod.ts";
import { pytorchDefaultInit } from "./init.ts";
import { resnet18 } from "./resnet18.ts";

function values() {
  const b = new GraphBuilder("init");
  resnet18(b, b.input("x", "float32", [1, 3, 32, 32]), { training: true, width: 0.125 });
  return [...b.params, ...b.buffers].map((n) => b.get(n));
}

const maxAbs = (d: ArrayLike<number>) => Math.max(...Array.from(d, Math.abs));

Deno.test("pytorchDefaultInit() draws U(±1/√fan_in) for conv and linear, σ-scaled, BN at (1, 0)", () => {
  const vs = values();
  const base = pytorchDefaultInit(vs, { seed: 3 });
  const scaled = pytorchDefaultInit(vs, { seed: 3, sigma: 4 });
  const stem = base["conv1.weight"];
  assert.ok(stem instanceof Float32Array);
  assert.ok(maxAbs(stem) <= 1 / Math.sqrt(27) && maxAbs(stem) > 0.9 / Math.sqrt(27));
  const fc = base["linear.weight"];
  assert.ok(maxAbs(fc) <= 1 / Math.sqrt(64) && maxAbs(base["linear.bias"]) <= 1 / Math.sqrt(64));
  // the bias is drawn from its weight's fan_in (64), as PyTorch's nn.Linear does, not zero
  assert.ok(maxAbs(base["linear.bias"]) > 0.5 / Math.sqrt(64), `${maxAbs(base["linear.bias"])}`);
  assert.equal(new Set(base["linear.bias"]).size, base["linear.bias"].length);
  for (
    const name of ["conv1.weight", "layer3.0.shortcut.0.weight", "linear.weight", "linear.bias"]
  ) {
    base[name].forEach((v, i) => assert.equal(scaled[name][i], Math.fround(4 * v)));
  }
  for (const name of ["bn1", "layer2.0.shortcut.1"]) {
    assert.ok(scaled[`${name}.weight`].every((v) => v === 1));
    assert.ok(scaled[`${name}.bias`].every((v) => v === 0));
    assert.ok(scaled[`${name}.running_mean`].every((v) => v === 0));
    assert.ok(scaled[`${name}.running_var`].every((v) => v === 1));
  }
});

Deno.test("pytorchDefaultInit() is a pure function of the seed", () => {
  const vs = values();
  const [a, b, c] = [3, 3, 4].map((seed) => pytorchDefaultInit(vs, { seed }));
  assert.deepEqual(a["layer4.1.conv2.weight"], b["layer4.1.conv2.weight"]);
  assert.notDeepEqual(a["layer4.1.conv2.weight"], c["layer4.1.conv2.weight"]);
  const mean = Array.from(a["layer4.1.conv2.weight"]).reduce((s, v) => s + v, 0) /
    a["layer4.1.conv2.weight"].length;
  assert.ok(Math.abs(mean) < 0.01 / Math.sqrt(64 * 9), `${mean}`);
});
