/**
 * The PyTorch side of bench_train.ts, float32: the same FCN and loss with plain SGD, or
 * kuangliu's CIFAR ResNet-18 with SGD momentum 0.9 and weight decay 5e-4 (the ONNX step's
 * update). Prints, per job key, the seconds of each timed step after the warm-up steps.
 */
export const TORCH_SCRIPT = `
import json, sys, time
import torch
from torch import nn
import torch.nn.functional as F
cfg = json.loads(sys.argv[1])
torch.set_num_threads(cfg["threads"])
torch.manual_seed(0)

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
    def __init__(self, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        blocks, cin = [], 64
        for planes, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            blocks += [BasicBlock(cin, planes, stride), BasicBlock(planes, planes, 1)]
            cin = planes
        self.layers = nn.Sequential(*blocks)
        self.linear = nn.Linear(512, classes)
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

out = {}
for job in cfg["jobs"]:
    b = job["batch"]
    if job["kind"] == "resnet18":
        classes = job["classes"]
        model = ResNet18(classes).train()
        opt = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9, weight_decay=5e-4)
        x = torch.randn(b, 3, 32, 32)
    else:
        sizes = job["sizes"]
        classes = sizes[-1]
        model = mlp(sizes, job["bias"])
        opt = torch.optim.SGD(model.parameters(), lr=1e-4)
        x = torch.randn(b, sizes[0])
    labels = torch.randint(0, classes, (b,))
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
    for _ in range(job["warmup"]):
        step()
    times = []
    for _ in range(job["steps"]):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    out[job["key"]] = times
print(json.dumps(out))
`;
