/**
 * The PyTorch side of bench_train.ts, float32: the same FCN and loss with plain SGD, the same
 * conv stack, or kuangliu's CIFAR ResNet-18 (with the same width multiplier) with SGD momentum 0.9 and weight decay 5e-4 (the ONNX
 * step's update). It runs as a server (`TorchWorker`) so that the bench can alternate its steps
 * with ONNX Runtime's and both see the same load from other jobs. On "cuda" the model and the
 * batch live on the GPU, TF32 is off (true fp32) and each timed step ends with a synchronize.
 */
export const TORCH_SCRIPT = `
import json, sys, time
import torch
from torch import nn
import torch.nn.functional as F
cfg = json.loads(sys.argv[1])
torch.set_num_threads(cfg["threads"])
torch.manual_seed(0)
dev = torch.device(cfg.get("device", "cpu"))
if dev.type == "cuda":
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)

class BasicBlock(nn.Module):
    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != planes:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))

class ResNet18(nn.Module):
    def __init__(self, classes, width):
        super().__init__()
        # stage widths max(1, round(c * width)) rounding halves up, as models/arch/resnet18.ts
        widths = [max(1, int(c * width + 0.5)) for c in (64, 128, 256, 512)]
        self.conv1 = nn.Conv2d(3, widths[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        blocks, cin = [], widths[0]
        for planes, stride in zip(widths, (1, 2, 2, 2)):
            blocks += [BasicBlock(cin, planes, stride), BasicBlock(planes, planes, 1)]
            cin = planes
        self.layers = nn.Sequential(*blocks)
        self.linear = nn.Linear(widths[3], classes)
    def forward(self, x):
        out = self.layers(F.relu(self.bn1(self.conv1(x))))
        out = F.avg_pool2d(out, out.shape[-1])
        return self.linear(out.flatten(1))

def mlp(sizes, bias):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1], bias=bias))
        if i + 2 < len(sizes):
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)

def build(job):
    """One training step of the job's model and its parameter count."""
    b = job["batch"]
    if job["kind"] == "resnet18":
        classes = job["classes"]
        model = ResNet18(classes, job["width"]).train()
        sgd = dict(lr=1e-4, momentum=0.9, weight_decay=5e-4)
        x = torch.randn(b, 3, 32, 32)
    elif job["kind"] == "convs":
        c = job["channels"]
        model = nn.Sequential(*[nn.Conv2d(c, c, 3, 1, 1, bias=False)
                                for _ in range(job["layers"])], nn.Flatten())
        classes = c * 32 * 32
        sgd = dict(lr=1e-4)
        x = torch.randn(b, c, 32, 32)
    else:
        sizes = job["sizes"]
        classes = sizes[-1]
        model = mlp(sizes, job["bias"])
        sgd = dict(lr=1e-4)
        x = torch.randn(b, sizes[0])
    model = model.to(dev)
    opt = torch.optim.SGD(model.parameters(), **sgd)
    x = x.to(dev)
    labels = torch.randint(0, classes, (b,)).to(dev)
    if job["loss"] == "mse":
        target = nn.functional.one_hot(labels, classes).float()
        loss_fn = lambda z: 0.5 * ((z - target) ** 2).sum() / b
    else:
        loss_fn = lambda z: nn.functional.cross_entropy(z, labels)
    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x))
        loss.backward()
        opt.step()
    return step, sum(p.numel() for p in model.parameters())

# Serves one line of JSON per request on stdin: {"setup": job} builds the model and runs its
# warm-up steps, {"step": true} times one step; each gets one line of JSON back.
step = None
for line in sys.stdin:
    msg = json.loads(line)
    if "setup" in msg:
        step, params = build(msg["setup"])
        for _ in range(msg["setup"]["warmup"]):
            step()
        sync()
        print(json.dumps({"ready": True, "params": params}), flush=True)
    else:
        t0 = time.perf_counter()
        step()
        sync()
        print(json.dumps({"seconds": time.perf_counter() - t0}), flush=True)
`;

/** Where PyTorch runs the steps. */
export type TorchDevice = "cpu" | "cuda";

/** A PyTorch job: the model, its loss, batch and warm-up steps. */
export type TorchJob = Readonly<Record<string, unknown>> & {
  readonly kind: string;
  readonly loss: string;
  readonly batch: number;
  readonly warmup: number;
};

/** A python3 that imports torch, if there is one. */
export function torchPython(): string | undefined {
  return ["/usr/bin/python3", "python3"].find((p) => {
    try {
      return new Deno.Command(p, { args: ["-c", "import torch"], stderr: "null" }).outputSync()
        .success;
    } catch {
      return false;
    }
  });
}

/** `TORCH_SCRIPT` running in a python3 child: set up a job, then time one step at a time. */
export class TorchWorker {
  private buffered = "";
  private constructor(
    private readonly child: Deno.ChildProcess,
    private readonly writer: WritableStreamDefaultWriter<Uint8Array>,
    private readonly reader: ReadableStreamDefaultReader<string>,
  ) {}

  /**
   * Starts the server with `threads` CPU threads on `device`, or returns a note saying why it
   * cannot (no torch, or no CUDA device when "cuda" is asked for).
   */
  static start(threads: number, device: TorchDevice = "cpu"): TorchWorker | string {
    const python = torchPython();
    if (!python) return "skipped: python3 with torch not found (apt-get install -y python3-torch)";
    if (device === "cuda") {
      const probe = new Deno.Command(python, {
        args: ["-c", "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"],
        stderr: "null",
      }).outputSync();
      if (!probe.success) return "skipped: this python3's torch sees no CUDA device";
    }
    const child = new Deno.Command(python, {
      args: ["-c", TORCH_SCRIPT, JSON.stringify({ threads, device })],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return new TorchWorker(
      child,
      child.stdin.getWriter(),
      child.stdout.pipeThrough(new TextDecoderStream()).getReader(),
    );
  }

  private async request(msg: unknown): Promise<Record<string, unknown>> {
    await this.writer.write(new TextEncoder().encode(JSON.stringify(msg) + "\n"));
    while (!this.buffered.includes("\n")) {
      const { value, done } = await this.reader.read();
      if (done) {
        const err = await new Response(this.child.stderr).text();
        throw new Error(
          `Expected a reply from the PyTorch worker but it exited: ${err.slice(-300)}`,
        );
      }
      this.buffered += value;
    }
    const cut = this.buffered.indexOf("\n");
    const line = this.buffered.slice(0, cut);
    this.buffered = this.buffered.slice(cut + 1);
    return JSON.parse(line);
  }

  /** Builds the job's model, runs its warm-up steps and returns its parameter count. */
  async setup(job: TorchJob): Promise<number> {
    return (await this.request({ setup: job })).params as number;
  }

  /** Seconds of one training step of the current job. */
  async step(): Promise<number> {
    return (await this.request({ step: true })).seconds as number;
  }

  /** The worker process's id (its CPU time is read from /proc/<pid>/stat). */
  get pid(): number {
    return this.child.pid;
  }

  /** Ends the server. */
  async close(): Promise<void> {
    await this.writer.close();
    await this.child.status;
    await this.child.stderr.cancel();
  }
}
