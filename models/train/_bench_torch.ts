/** The PyTorch side of bench_train.ts: same FCN, same loss, plain SGD, float32. */
export const TORCH_SCRIPT = `
import json, sys, time
import torch
from torch import nn
cfg = json.loads(sys.argv[1])
torch.set_num_threads(cfg["threads"])
torch.manual_seed(0)
out = {}
for job in cfg["jobs"]:
    sizes, b = job["sizes"], job["batch"]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1], bias=job["bias"]))
        if i + 2 < len(sizes):
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=1e-4)
    x = torch.randn(b, sizes[0])
    labels = torch.randint(0, sizes[-1], (b,))
    if job["loss"] == "mse":
        target = nn.functional.one_hot(labels, sizes[-1]).float()
        loss_fn = lambda z: 0.5 * ((z - target) ** 2).sum() / b
    else:
        loss_fn = lambda z: nn.functional.cross_entropy(z, labels)
    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x))
        loss.backward()
        opt.step()
    step()
    t0 = time.perf_counter()
    for _ in range(job["steps"]):
        step()
    out[job["key"]] = (time.perf_counter() - t0) / job["steps"]
print(json.dumps(out))
`;
