#!/usr/bin/python3
"""PyTorch (CPU) peer for cascade's benchmark workloads (bench/peers/README.md, bench/run_peers.sh).

Workloads (float32, random inputs and targets generated once; no data loading is timed):
  fit1d        MLP 1-20-20-20-1, ReLU, MSE, SGD lr 0.01, batch 32                         901 params
  mnist_cnn    Conv2d(1,32,5) valid, ReLU, MaxPool 2, Linear(4608,10), softmax CE, Adam, batch 64   46,922
  cifar_dense  Flatten, Linear(3072,256), ReLU, Dropout .3, Linear(256,256), ReLU, Dropout .3,
               Linear(256,10), softmax CE, Adam 1e-3, batch 32                            855,050
  cifar_cnn    Conv2d(3,32,5,s2), ReLU, Dropout .25, Conv2d(32,64,5,s2), ReLU, Dropout .25,
               Conv2d(64,128,5), ReLU, Dropout .25, Flatten, Linear(128,128), ReLU, Dropout .5,
               Linear(128,10), softmax CE, Adam 1e-3, batch 32                            276,426
  dncnn        DnCNN (Zhang et al. 2017): Conv3x3(2,64)+ReLU, 15 x [Conv3x3(64,64, no bias), BatchNorm,
               ReLU], Conv3x3(64,2, no bias), 'same' padding, output = input - residual; MSE, Adam 1e-3,
               batch 8 of 64x64x2                                                        557,248 (+1,920 BN buffers)

Training step = zero_grad + forward (model.train()) + loss + backward + optimizer step; inference step =
forward in model.eval() under torch.no_grad(). After --warmup steps of each kind, each of --reps
repetitions times --train-steps and --infer-steps steps (or, with --min-time S, step counts calibrated to
about S seconds per repetition); prints one JSON line with median/min/max samples/s, the schema of
cascade_workloads.cpp. Uses Debian's python3-torch, hence /usr/bin/python3.

--device cuda runs the same workloads on the GPU (bench/gpu/README.md): data resident on the GPU, fp32
with TF32 off, cudnn.benchmark on; the timed loops end with a synchronising .item().
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch
from torch import nn

WORKLOADS = ("fit1d", "mnist_cnn", "cifar_dense", "cifar_cnn", "dncnn")


def dncnn(channels=2, features=64, depth=17):
    layers = [nn.Conv2d(channels, features, 3, padding=1), nn.ReLU(inplace=True)]
    for _ in range(depth - 2):
        layers += [nn.Conv2d(features, features, 3, padding=1, bias=False), nn.BatchNorm2d(features),
                   nn.ReLU(inplace=True)]
    layers += [nn.Conv2d(features, channels, 3, padding=1, bias=False)]
    body = nn.Sequential(*layers)

    class Residual(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = body

        def forward(self, x):
            return x - self.body(x)   # the network predicts the noise

    return Residual()


def build(workload):
    """(model, batch, input shape per sample (C, H, W) or (F,), loss, optimizer factory, expected params, target)"""
    if workload == "fit1d":
        m = nn.Sequential(nn.Linear(1, 20), nn.ReLU(), nn.Linear(20, 20), nn.ReLU(), nn.Linear(20, 20), nn.ReLU(),
                          nn.Linear(20, 1))
        return m, 32, (1,), nn.MSELoss(), lambda p: torch.optim.SGD(p, lr=0.01), 901, "regression"
    if workload == "mnist_cnn":
        m = nn.Sequential(nn.Conv2d(1, 32, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 12 * 12, 10))
        return m, 64, (1, 28, 28), nn.CrossEntropyLoss(), lambda p: torch.optim.Adam(p, lr=1e-3), 46922, "classes"
    if workload == "cifar_dense":
        m = nn.Sequential(nn.Flatten(), nn.Linear(3072, 256), nn.ReLU(), nn.Dropout(0.3), nn.Linear(256, 256), nn.ReLU(),
                          nn.Dropout(0.3), nn.Linear(256, 10))
        return m, 32, (3, 32, 32), nn.CrossEntropyLoss(), lambda p: torch.optim.Adam(p, lr=1e-3), 855050, "classes"
    if workload == "cifar_cnn":
        m = nn.Sequential(nn.Conv2d(3, 32, 5, stride=2), nn.ReLU(), nn.Dropout(0.25),      # 14x14x32
                          nn.Conv2d(32, 64, 5, stride=2), nn.ReLU(), nn.Dropout(0.25),     # 5x5x64
                          nn.Conv2d(64, 128, 5), nn.ReLU(), nn.Dropout(0.25),              # 1x1x128
                          nn.Flatten(), nn.Linear(128, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))
        return m, 32, (3, 32, 32), nn.CrossEntropyLoss(), lambda p: torch.optim.Adam(p, lr=1e-3), 276426, "classes"
    if workload == "dncnn":
        return dncnn(), 8, (2, 64, 64), nn.MSELoss(), lambda p: torch.optim.Adam(p, lr=1e-3), 557248, "image"
    raise ValueError(workload)


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def calibrate(target, body):
    """Steps for about `target` seconds: double until a run takes a fifth of it, then scale."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            out = body()
        float(out.reshape(-1)[0])
        t = time.perf_counter() - t0
        if t >= target / 5 or n >= 1 << 24:
            return max(1, math.ceil(n * target / max(t, 1e-9)))
        n *= 2


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", required=True, choices=WORKLOADS)
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--train-steps", type=int, default=50, help="training steps per repetition (default 50)")
    ap.add_argument("--infer-steps", type=int, default=100, help="inference steps per repetition (default 100)")
    ap.add_argument("--min-time", type=float, default=0.0,
                    help="if > 0, calibrate the step counts to about this many seconds per repetition")
    ap.add_argument("--warmup", type=int, default=5, help="warm-up steps of each kind (default 5)")
    ap.add_argument("--reps", type=int, default=5, help="timed repetitions (default 5)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda"), help="cpu (default) or cuda")
    args = ap.parse_args(argv)
    for name in ("threads", "train_steps", "infer_steps", "reps"):
        if getattr(args, name) < 1:
            ap.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.warmup < 0:
        ap.error("--warmup must be >= 0")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    if args.device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False   # fp32 arithmetic, like cascade's kernels
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.benchmark = True

    model, batch, sample, loss_fn, make_opt, expected, target = build(args.workload)
    params = sum(p.numel() for p in model.parameters())
    if params != expected:
        print(f"{args.workload}: parameter count {params} != {expected}", file=sys.stderr)
        return 1
    model = model.to(device)
    opt = make_opt(model.parameters())

    if args.workload == "fit1d":
        x = torch.rand(batch, 1) * 2 - 1
    else:
        x = torch.rand(batch, *sample)
    if target == "classes":
        y = torch.randint(0, 10, (batch,))
    elif target == "regression":
        y = torch.rand(batch, 1) * 2 - 1
    else:
        y = torch.rand(batch, *sample)
    x, y = x.to(device), y.to(device)

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.detach()

    def infer_step():
        with torch.no_grad():
            return model(x)

    model.train()
    for _ in range(args.warmup):
        train_step()
    model.eval()
    for _ in range(args.warmup):
        infer_step()

    train_steps, infer_steps = args.train_steps, args.infer_steps
    if args.min_time > 0:
        model.train()
        train_steps = calibrate(args.min_time, train_step)
        model.eval()
        infer_steps = calibrate(args.min_time, infer_step)

    train_rates, infer_rates = [], []
    last_loss = float("nan")
    for _ in range(args.reps):
        model.train()
        t0 = time.perf_counter()
        for _ in range(train_steps):
            loss = train_step()
        last_loss = float(loss.item())  # item() also waits for the last step
        t1 = time.perf_counter()
        train_rates.append(train_steps * batch / (t1 - t0))

        model.eval()
        t0 = time.perf_counter()
        for _ in range(infer_steps):
            out = infer_step()
        _ = float(out.reshape(-1)[0])
        t1 = time.perf_counter()
        infer_rates.append(infer_steps * batch / (t1 - t0))

    result = {
        "peer": "pytorch",
        "workload": args.workload,
        "threads": args.threads,
        "batch": batch,
        "params": params,
        "train_steps": train_steps,
        "infer_steps": infer_steps,
        "warmup": args.warmup,
        "reps": args.reps,
        "train_samples_per_s": summary(train_rates),
        "infer_samples_per_s": summary(infer_rates),
        "final_loss": last_loss,
        "torch_version": torch.__version__,
        "device": args.device if args.device == "cpu" else torch.cuda.get_device_name(0),
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
