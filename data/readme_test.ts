import assert from "node:assert/strict";
import { CIFAR10_DIR, CIFAR10_FILES } from "./fetch_cifar10.ts";
import { MNIST_FILES } from "./fetch_mnist.ts";

Deno.test("data/README.md lists exactly the pinned SHA-256 of every file", async () => {
  const text = await Deno.readTextFile(new URL("./README.md", import.meta.url));
  const rows = [...text.matchAll(/^\| ([\w.-]+) +\| ([0-9a-f]{64}) \|$/gm)].map((
    m,
  ) => [m[1], m[2]]);
  const pins = [
    ...MNIST_FILES.map((f) => [f.name, f.sha256]),
    ...CIFAR10_FILES.map((f) => [f.name.slice(`${CIFAR10_DIR}/`.length), f.sha256]),
  ];
  assert.equal(pins.length, 11);
  assert.deepEqual(rows, pins);
});
