#!/usr/bin/python3
"""PyTorch (CPU) peer for cascade's mnist_cnn benchmark.

Model: Conv2d(1, 32, 5) valid -> ReLU -> MaxPool2d(2) -> Flatten -> Linear(32*12*12, 10): 46,922 params
(conv 32*1*5*5 + 32 = 832, dense 4608*10 + 10 = 46,090).
Loss: CrossEntropyLoss (softmax fused). Optimizer: Adam, lr 1e-3. Batch 64 of random float32 inputs
(64, 1, 28, 28) and random labels. Training step = forward + backward + optimizer step; inference step
= forward under torch.no_grad(). After warm-up, each of --reps repetitions times --train-steps training
steps and --infer-steps inference steps; samples/s per repetition are summarised as median/min/max.

Prints one JSON line on stdout. Uses Debian's python3-torch, hence /usr/bin/python3 (a pyenv python3
on PATH does not see it).
"""
import argparse
import json
import statistics
import sys
import time

import torch
from torch import nn

BATCH = 64
# conv weights + bias, dense weights + bias
EXPECTED_PARAMS = (32 * 1 * 5 * 5 + 32) + (32 * 12 * 12 * 10 + 10)  # 46,922


def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 32, kernel_size=5),  # valid: 28 -> 24
        nn.ReLU(),
        nn.MaxPool2d(2),                  # 24 -> 12
        nn.Flatten(),
        nn.Linear(32 * 12 * 12, 10),
    )


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--train-steps", type=int, default=50, help="training steps per repetition (default 50)")
    ap.add_argument("--infer-steps", type=int, default=100, help="inference steps per repetition (default 100)")
    ap.add_argument("--warmup", type=int, default=5, help="warm-up steps of each kind (default 5)")
    ap.add_argument("--reps", type=int, default=5, help="timed repetitions (default 5)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    for name in ("threads", "train_steps", "infer_steps", "reps"):
        if getattr(args, name) < 1:
            ap.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.warmup < 0:
        ap.error("--warmup must be >= 0")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device("cpu")

    model = build_model().to(device)
    params = sum(p.numel() for p in model.parameters())
    if params != EXPECTED_PARAMS:
        print(f"parameter count {params} != {EXPECTED_PARAMS}", file=sys.stderr)
        return 1
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    x = torch.randn(BATCH, 1, 28, 28, dtype=torch.float32, device=device)
    y = torch.randint(0, 10, (BATCH,), device=device)

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    def infer_step():
        with torch.no_grad():
            return model(x)

    model.train()
    for _ in range(args.warmup):
        train_step()
    with torch.no_grad():
        for _ in range(args.warmup):
            model(x)

    train_rates, infer_rates = [], []
    last_loss = float("nan")
    for _ in range(args.reps):
        t0 = time.perf_counter()
        for _ in range(args.train_steps):
            loss = train_step()
        last_loss = float(loss.item())  # item() also waits for the last step
        t1 = time.perf_counter()
        train_rates.append(args.train_steps * BATCH / (t1 - t0))

        t0 = time.perf_counter()
        for _ in range(args.infer_steps):
            out = infer_step()
        _ = float(out[0, 0])
        t1 = time.perf_counter()
        infer_rates.append(args.infer_steps * BATCH / (t1 - t0))

    result = {
        "peer": "pytorch",
        "workload": "mnist_cnn",
        "threads": args.threads,
        "batch": BATCH,
        "params": params,
        "train_steps": args.train_steps,
        "infer_steps": args.infer_steps,
        "warmup": args.warmup,
        "reps": args.reps,
        "train_samples_per_s": summary(train_rates),
        "infer_samples_per_s": summary(infer_rates),
        "final_loss": last_loss,
        "torch_version": torch.__version__,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
