/**
 * The PyTorch side of torch_equiv_test.ts, float64: the paper's FCNs, Figure 1's two-layer ReLU
 * network, kuangliu's CIFAR ResNet-18 and the learning-rate-weighted NTK, written from the paper
 * and from kuangliu/pytorch-cifar (models/resnet.py), not from our graphs. It reads a case from `<dir>/in.json` and
 * its tensors from `<dir>/in.bin` (float64, little-endian), loads our initial parameters by their
 * state_dict names, runs the case and writes what it found to `<dir>/out.json` and `out.bin`.
 */
export const TORCH_EQUIV_SCRIPT = `
import json, sys
import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
folder = sys.argv[1]
with open(folder + "/in.json") as f:
    cfg = json.load(f)
with open(folder + "/in.bin", "rb") as f:
    blob = f.read()

def tensor(name):
    offset, shape = cfg["tensors"][name]
    count = int(np.prod(shape))
    data = np.frombuffer(blob, dtype="<f8", count=count, offset=8 * offset)
    return torch.from_numpy(data.astype(np.float64)).reshape(shape)

class FCN(nn.Module):
    """fc1 ... fcL with ReLU between layers: 784-512-512-512-10 (Figure 2), 3072-2048-10."""
    def __init__(self, sizes, bias):
        super().__init__()
        self.depth = len(sizes) - 1
        for k in range(self.depth):
            setattr(self, "fc%d" % (k + 1), nn.Linear(sizes[k], sizes[k + 1], bias=bias))
    def forward(self, x):
        for k in range(1, self.depth + 1):
            x = getattr(self, "fc%d" % k)(x)
            if k < self.depth:
                x = F.relu(x)
        return x

class BasicBlock(nn.Module):
    expansion = 1
    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != self.expansion * planes:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, self.expansion * planes, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(self.expansion * planes))
    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        return F.relu(out)

class ResNet(nn.Module):
    """kuangliu's ResNet for CIFAR; 'width' scales the four stage widths 64, 128, 256, 512."""
    def __init__(self, block, num_blocks, num_classes=10, width=1.0):
        super().__init__()
        planes = [max(1, int(c * width + 0.5)) for c in (64, 128, 256, 512)]
        self.in_planes = planes[0]
        self.conv1 = nn.Conv2d(3, planes[0], kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes[0])
        self.layer1 = self._make_layer(block, planes[0], num_blocks[0], stride=1)
        self.layer2 = self._make_layer(block, planes[1], num_blocks[1], stride=2)
        self.layer3 = self._make_layer(block, planes[2], num_blocks[2], stride=2)
        self.layer4 = self._make_layer(block, planes[3], num_blocks[3], stride=2)
        self.linear = nn.Linear(planes[3] * block.expansion, num_classes)
    def _make_layer(self, block, planes, num_blocks, stride):
        strides = [stride] + [1] * (num_blocks - 1)
        layers = []
        for stride in strides:
            layers.append(block(self.in_planes, planes, stride))
            self.in_planes = planes * block.expansion
        return nn.Sequential(*layers)
    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer1(out)
        out = self.layer2(out)
        out = self.layer3(out)
        out = self.layer4(out)
        out = F.avg_pool2d(out, 4)
        out = out.view(out.size(0), -1)
        return self.linear(out)

class TwoLayerReLU(nn.Module):
    """Figure 1's network, f(x) = gamma * u . ReLU(W (c x)), with c the input multiplier."""
    def __init__(self, dim, width, outputs, gamma, c):
        super().__init__()
        self.fc1 = nn.Linear(dim, width, bias=False)
        self.fc2 = nn.Linear(width, outputs, bias=False)
        self.gamma, self.c = gamma, c
    def forward(self, x):
        return self.gamma * self.fc2(F.relu(self.fc1(self.c * x)))

def load(model):
    state = {n: tensor(n) for n in cfg["state"]}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [n for n in missing if not n.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise SystemExit("state_dict mismatch: missing %s, unexpected %s" % (missing, unexpected))

def loss_of(logits, labels):
    if cfg["loss"] == "mse":
        # the paper's 1/2 MSE: half the squared error, summed over outputs, mean over the batch
        target = F.one_hot(labels, logits.shape[1]).double()
        return 0.5 * F.mse_loss(logits, target, reduction="sum") / logits.shape[0]
    return F.cross_entropy(logits, labels)

def train(model):
    found = {}
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lrs"][0], momentum=cfg["momentum"],
                          weight_decay=cfg["weightDecay"])
    for k, lr in enumerate(cfg["lrs"]):
        model.train()
        for group in opt.param_groups:
            group["lr"] = lr
        opt.zero_grad()
        logits = model(tensor("x/%d" % k))
        loss = loss_of(logits, tensor("y/%d" % k).long())
        loss.backward()
        opt.step()
        found["loss/%d" % k] = loss.detach().reshape(1)
        found["logits/%d" % k] = logits.detach()
    for name, value in model.state_dict().items():
        if not name.endswith("num_batches_tracked"):
            found[name] = value
    for name, p in model.named_parameters():
        if opt.state[p].get("momentum_buffer") is not None:
            found[name + ".momentum"] = opt.state[p]["momentum_buffer"]
    if "x/eval" in cfg["tensors"]:
        model.eval()
        with torch.no_grad():
            logits = model(tensor("x/eval"))
            found["eval/logits"] = logits
            found["eval/loss"] = loss_of(logits, tensor("y/eval").long()).reshape(1)
    return found

def ntk(model):
    # per-sample, per-output gradients, one autograd.grad call each (torch 1.13 has no torch.func)
    x = tensor("probe")
    named = list(model.named_parameters())
    rows = []
    for i in range(x.shape[0]):
        f = model(x[i:i + 1])[0]
        for c in range(f.shape[0]):
            grads = torch.autograd.grad(f[c], [p for _, p in named], retain_graph=True)
            rows.append([g.flatten() for g in grads])
    gram = torch.zeros(len(rows), len(rows))
    for j, (name, _) in enumerate(named):
        jac = torch.stack([r[j] for r in rows])
        gram += cfg["rates"][name] * (jac @ jac.T)
    return {"ntk": gram}

if cfg["model"] == "fcn":
    model = FCN(cfg["sizes"], cfg["bias"])
elif cfg["model"] == "resnet18":
    model = ResNet(BasicBlock, [2, 2, 2, 2], cfg["classes"], cfg["width"])
else:
    model = TwoLayerReLU(cfg["dim"], cfg["width"], cfg["outputs"], cfg["gamma"], cfg["c"])
model = model.double()
load(model)
found = ntk(model) if cfg.get("ntk") else train(model)
index, parts, offset = {}, [], 0
for name, value in found.items():
    data = value.detach().contiguous().numpy().astype("<f8").ravel()
    index[name] = [offset, list(value.shape)]
    parts.append(data.tobytes())
    offset += data.size
with open(folder + "/out.bin", "wb") as f:
    f.write(b"".join(parts))
with open(folder + "/out.json", "w") as f:
    json.dump(index, f)
`;
