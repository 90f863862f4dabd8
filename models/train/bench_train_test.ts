import assert from "node:assert/strict";
import { parseBenchArgs } from "./bench_train.ts";
import { BENCH_MODELS, resnet18StepFlops } from "./_bench_models.ts";
import { torchPython, TorchWorker } from "./_bench_torch.ts";

const names = (args: string[]) => parseBenchArgs(args, BENCH_MODELS).models.map((m) => m.name);

Deno.test("parseBenchArgs() selects models by name or suffix with --only and --skip", () => {
  assert.deepEqual(names([]), BENCH_MODELS.map((m) => m.name));
  assert.deepEqual(names(["--only", "resnet18"]), ["cifar_resnet18"]);
  assert.deepEqual(names(["--skip", "resnet18"]), [
    "mnist_fcn_784-512x3-10",
    "cifar_fcn_3072-2048-10",
    "conv3x3_64ch_32px_x2",
  ]);
  const o = parseBenchArgs(["--threads", "1", "--steps", "3", "--no-torch"], BENCH_MODELS);
  assert.deepEqual([o.threads, o.steps, o.torch, o.ep, o.torchDevice], [1, 3, false, "cpu", "cpu"]);
  const gpu = parseBenchArgs(["--ep", "webgpu", "--torch-device", "cuda"], BENCH_MODELS);
  assert.deepEqual([gpu.ep, gpu.torchDevice], ["webgpu", "cuda"]);
});

Deno.test("parseBenchArgs() rejects unknown flags, models and counts", () => {
  assert.throws(() => parseBenchArgs(["--bogus"], BENCH_MODELS), RangeError);
  assert.throws(() => parseBenchArgs(["positional"], BENCH_MODELS), RangeError);
  assert.throws(
    () => parseBenchArgs(["--only", "vgg"], BENCH_MODELS),
    /Expected one of .* for "--only" but found "vgg"/,
  );
  assert.throws(
    () => parseBenchArgs(["--steps", "0"], BENCH_MODELS),
    /Expected a positive integer for "--steps" but found "0"/,
  );
  assert.throws(
    () => parseBenchArgs(["--ep", "tpu"], BENCH_MODELS),
    /Expected one of "cpu", "webgpu", "cuda" for "--ep" but found "tpu"/,
  );
  assert.throws(
    () => parseBenchArgs(["--torch-device", "mps"], BENCH_MODELS),
    /Expected one of "cpu", "cuda" for "--torch-device" but found "mps"/,
  );
});

Deno.test("resnet18StepFlops() counts 3x the 0.556 G forward multiply-adds per image", () => {
  const forward = (resnet18StepFlops(1) / 2 + 3 * 64 * 9 * 1024) / 3;
  assert.ok(Math.abs(forward / 0.5566e9 - 1) < 0.01, `${forward}`);
});

Deno.test("the conv-layer row counts two forwards, two weight gradients and one input gradient", () => {
  const conv = BENCH_MODELS.find((m) => m.name === "conv3x3_64ch_32px_x2")!;
  assert.equal(conv.flops(64), 5 * 2 * 64 * 32 * 32 * 64 * 64 * 9);
  const params = conv.params();
  assert.deepEqual(Object.keys(params).sort(), ["conv1.weight", "conv2.weight"]);
});

Deno.test({
  name: "TorchWorker times one PyTorch step at a time after setting up a job",
  ignore: torchPython() === undefined,
  fn: async () => {
    const w = TorchWorker.start(1) as TorchWorker;
    try {
      await w.setup({ kind: "mlp", sizes: [8, 4, 3], bias: true, loss: "ce", batch: 5, warmup: 1 });
      const times = [await w.step(), await w.step()];
      assert.ok(times.every((t) => t > 0 && t < 10), `${times}`);
    } finally {
      await w.close();
    }
  },
});
