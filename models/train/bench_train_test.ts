import assert from "node:assert/strict";
import { parseBenchArgs } from "./bench_train.ts";
import { BENCH_MODELS, fcn, resnet18StepFlops } from "./_bench_models.ts";
import { torchPython, TorchWorker } from "./_bench_torch.ts";
import {
  busyPhaseWarnings,
  cpuShares,
  cpuTimes,
  ortStepSeconds,
  parseProcPidStat,
  parseProcStat,
} from "./_bench_timing.ts";

const names = (args: string[]) => parseBenchArgs(args, BENCH_MODELS).models.map((m) => m.name);

Deno.test("parseBenchArgs() selects models by name, or its start or end at a _, with --only and --skip", () => {
  assert.deepEqual(names([]), BENCH_MODELS.map((m) => m.name));
  assert.deepEqual(names(["--only", "resnet18"]), ["cifar_resnet18"]);
  assert.deepEqual(names(["--skip", "resnet18"]), [
    "mnist_fcn_784-512x3-10",
    "cifar_fcn_3072-2048-10",
    "conv3x3_64ch_32px_x2",
    "cifar_resnet18_x0.125",
  ]);
  assert.deepEqual(names(["--only", "x0.125"]), ["cifar_resnet18_x0.125"]);
  // a whole name is that model alone, though another name starts with it
  assert.deepEqual(names(["--only", "cifar_resnet18"]), ["cifar_resnet18"]);
  assert.deepEqual(names(["--only", "conv3x3"]), ["conv3x3_64ch_32px_x2"]);
  assert.deepEqual(names(["--only", "cifar"]), [
    "cifar_fcn_3072-2048-10",
    "cifar_resnet18",
    "cifar_resnet18_x0.125",
  ]);
  assert.throws(() => names(["--only", "resnet"]), /for "--only" but found "resnet"/); // no "_" there
  const o = parseBenchArgs(["--threads", "1", "--steps", "3", "--no-torch"], BENCH_MODELS);
  assert.deepEqual([o.threads, o.steps, o.torch, o.ep, o.torchDevice], [1, 3, false, "cpu", "cpu"]);
  const gpu = parseBenchArgs(["--ep", "webgpu", "--torch-device", "cuda"], BENCH_MODELS);
  assert.deepEqual([gpu.ep, gpu.torchDevice], ["webgpu", "cuda"]);
  assert.deepEqual([o.help, parseBenchArgs(["-h"], BENCH_MODELS).help], [false, true]);
  assert.equal(o.partial, false);
  assert.equal(parseBenchArgs(["--skip", "resnet18"], BENCH_MODELS).partial, true);
});

Deno.test("parseBenchArgs() rejects unknown flags, models and counts", () => {
  assert.throws(() => parseBenchArgs(["--bogus"], BENCH_MODELS), RangeError);
  assert.throws(() => parseBenchArgs(["positional"], BENCH_MODELS), RangeError);
  assert.throws(
    () => parseBenchArgs(["--only", "vgg"], BENCH_MODELS),
    /Expected one of .* for "--only" but found "vgg"/,
  );
  assert.throws(
    () => parseBenchArgs(["--only", "mnist", "--skip", "mnist"], BENCH_MODELS),
    /Expected "--only" and "--skip" to leave a model to run but they leave none/,
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

Deno.test("resnet18StepFlops() at width 1/8 counts the 8.87 M forward multiply-adds per image by hand", () => {
  // stem 3·8·9·1024; layer1 4 × 8·8·9·1024; layers 2-4 each 2,097,152 (see below); linear 64·10
  const stem = 3 * 8 * 9 * 1024;
  const layer1 = 4 * 8 * 8 * 9 * 1024;
  // conv1 (stride 2) c→2c, three 2c→2c, the 1×1 shortcut c→2c, on 16×16, 8×8, 4×4 outputs
  const later = [[8, 16, 256], [16, 32, 64], [32, 64, 16]].map(([c, d, px]) =>
    c * d * 9 * px + 3 * d * d * 9 * px + c * d * px
  );
  assert.deepEqual(later, [2097152, 2097152, 2097152]);
  const perImage = 2 * (2 * stem + 3 * (layer1 + 3 * 2097152) + 3 * 64 * 10);
  assert.equal(resnet18StepFlops(1, 10, 0.125), perImage);
  assert.equal(resnet18StepFlops(128, 10, 0.125), 128 * perImage);
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
      const params = await w.setup({
        kind: "mlp",
        sizes: [8, 4, 3],
        bias: true,
        loss: "ce",
        batch: 5,
        warmup: 1,
      });
      assert.equal(params, 8 * 4 + 4 + 4 * 3 + 3);
      const times = [await w.step(), await w.step()];
      assert.ok(times.every((t) => t > 0 && t < 10), `${times}`);
    } finally {
      await w.close();
    }
  },
});

Deno.test({
  name: "TorchWorker's width-1/8 ResNet-18 has the ONNX model's parameter count",
  ignore: torchPython() === undefined,
  fn: async () => {
    const m = BENCH_MODELS.find((b) => b.name === "cifar_resnet18_x0.125")!;
    const ours = m.step(2).params.reduce((n, v) => n + v.shape.reduce((a, d) => a * d, 1), 0);
    const w = TorchWorker.start(1) as TorchWorker;
    try {
      assert.equal(await w.setup({ ...m.torch!, loss: m.loss, batch: 2, warmup: 0 }), ours);
    } finally {
      await w.close();
    }
  },
});

Deno.test("parseProcStat() reads total, busy and stolen ticks from /proc/stat's cpu line", () => {
  const text = "cpu  6482135 368 276825 1660976 19021 0 2017 11312 40 0\n" +
    "cpu0 3165744 203 127948 921055 4557 0 450 5688 0 0\nintr 1 2\n";
  const total = 6482135 + 368 + 276825 + 1660976 + 19021 + 0 + 2017 + 11312;
  assert.deepEqual(parseProcStat(text), {
    total,
    busy: total - 1660976 - 19021 - 11312,
    steal: 11312,
  });
  assert.equal(parseProcStat("cpu0 1 2 3 4 5 6 7 8\n"), undefined); // no aggregate line
  assert.equal(parseProcStat("cpu  1 2 3 4 5 6 7\n"), undefined); // no steal column
});

Deno.test("parseProcPidStat() adds utime and stime after a command name with spaces", () => {
  const line = "5612 (deno (x) y) S 1229 5612 1229 0 -1 4194304 1000 0 3 0 4521 377 0 0 20 0 9 0";
  assert.equal(parseProcPidStat(line), 4521 + 377);
  assert.equal(parseProcPidStat("garbage"), undefined);
});

Deno.test("cpuShares() splits the ticks between two readings into stolen and other processes'", () => {
  const a = { total: 1000, busy: 600, steal: 10, own: 400 };
  const b = { total: 2000, busy: 1500, steal: 60, own: 1100 };
  // 1000 ticks: 50 stolen; 900 run here (steal excluded), of which 700 this process's, 200 others'
  assert.deepEqual(cpuShares(a, b), { stolen: 0.05, others: 0.2 });
  assert.deepEqual(cpuShares(a, { ...b, own: 1700 }), { stolen: 0.05, others: 0 }); // clamped
  assert.equal(cpuShares(a, a), null);
  assert.equal(cpuShares(undefined, b), null);
  const now = cpuTimes();
  if (Deno.build.os === "linux") assert.ok(now && now.own > 0 && now.busy <= now.total, `${now}`);
});

Deno.test("busyPhaseWarnings() names each phase that others and the hypervisor took 10 % from", () => {
  const quiet = { stolen: 0.004, others: 0.01 };
  const rows = [
    { model: "a", batch: 1, cpu: { train: quiet, interleaved: { stolen: 0.02, others: 0.08 } } },
    { model: "b", batch: 2, cpu: { train: { stolen: 0, others: 0.58 }, interleaved: null } },
    { model: "c", batch: 3, cpu: { train: quiet, interleaved: quiet } },
  ];
  assert.deepEqual(busyPhaseWarnings(rows), [
    "Warning: while the alternated rounds of a@1 ran, 8 % of the CPU time went to other " +
    "processes and 2 % to the hypervisor: those times are not a quiet machine's",
    "Warning: while train() of b@2 ran, 58 % of the CPU time went to other processes and 0 % to " +
    "the hypervisor: those times are not a quiet machine's",
  ]);
  assert.deepEqual(busyPhaseWarnings(rows, 0.6), []);
});

Deno.test("ortStepSeconds() gives one time per step for each timed run of stepsPerCall steps", async () => {
  const m = fcn("tiny", [8, 16, 4], true, { kind: "mse" });
  assert.equal(m.stepsPerCall, 8);
  // 10 timed steps are 2 runs of 8, after m.warmup untimed runs
  const chained = await ortStepSeconds(m, 16, 1, 10);
  assert.equal(chained.length, 2);
  const single = await ortStepSeconds({ ...m, stepsPerCall: 1 }, 16, 1, 10);
  assert.equal(single.length, 10);
  for (const t of [...chained, ...single]) assert.ok(t > 0 && t < 1, `${t} s per step`);
});
