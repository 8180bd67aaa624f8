#!/usr/bin/python3
"""cuBLAS SGEMM through torch.mm (fp32, TF32 off) for the sizes and forms of bench_gpu_gemm.cpp; one JSON
line per size and form, timed with CUDA events over --reps calls after --warmup."""
import argparse
import json

import torch


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="1024,2048,4096,8192")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    dev = torch.device("cuda")
    for n in (int(s) for s in args.sizes.split(",")):
        a = torch.rand(n, n, device=dev) * 2 - 1
        b = torch.rand(n, n, device=dev) * 2 - 1
        for form, (x, y) in (("AB", (a, b)), ("AtB", (a.t(), b)), ("ABt", (a, b.t()))):
            for _ in range(args.warmup):
                torch.mm(x, y)
            start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            for _ in range(args.reps):
                torch.mm(x, y)
            stop.record()
            torch.cuda.synchronize()
            ms = start.elapsed_time(stop)
            print(json.dumps({"peer": "cublas", "op": "sgemm", "form": form, "n": n,
                              "gflops": 2.0 * n ** 3 * args.reps / (ms * 1e6),
                              "device": torch.cuda.get_device_name(0), "torch_version": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
