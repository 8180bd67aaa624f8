#!/usr/bin/env bash
# GPU benchmarks side by side with PyTorch on the same GPU, in one run (the device machine: NVIDIA H100/H200
# with PyTorch and nvcc). Writes bench/results/gpu.json and prints the ratio table.
#   bench/gpu/run.sh [--quick]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${CASCADE_GPU_BENCH_BUILD:-$root/build-gpu-bench}
py=${PYTHON:-python3}
quick=0; [[ "${1:-}" == "--quick" ]] && quick=1
nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCASCADE_GPU=cuda -DCMAKE_CUDA_COMPILER="$nvcc" \
      -DCASCADE_BUILD_BENCH=ON -DCASCADE_BUILD_TESTS=OFF -DCASCADE_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target bench_gpu_gemm cascade_gpu_workloads
mkdir -p "$root/bench/results"
out="$root/bench/results/gpu.json"
: > "$out"
sizes=1024,2048,4096,8192; [[ $quick == 1 ]] && sizes=1024,2048
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | sed 's/^/# GPU, driver: /' | tee -a "$out" || true
"$build/bench/gpu/bench_gpu_gemm" --sizes "$sizes" | tee -a "$out"
"$py" "$root/bench/gpu/torch_sgemm.py" --sizes "$sizes" | tee -a "$out"
"$build/bench/gpu/cascade_gpu_workloads" --min-time 1 --reps 3 | tee -a "$out"
for w in fit1d mnist_cnn cifar_dense cifar_cnn dncnn; do
  "$py" "$root/bench/peers/torch_workloads.py" --device cuda --workload "$w" --min-time 1 --reps 3 | tee -a "$out"
done
"$py" - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
g = {(r["peer"], r["form"], r["n"]): r["gflops"] for r in rows if r.get("op") == "sgemm"}
print("\nSGEMM GFLOP/s        cascade    cuBLAS   ratio")
for (peer, form, n), v in sorted(g.items()):
    if peer == "cascade" and ("cublas", form, n) in g:
        c = g[("cublas", form, n)]
        print(f"  {form:4s} N={n:5d}  {v:9.0f} {c:9.0f}   {v / c:5.2f}")
w = {(r["peer"], r["workload"]): r for r in rows if "workload" in r}
print("\nworkload       cascade train  pytorch train  ratio   cascade infer  pytorch infer  ratio")
for name in ("fit1d", "mnist_cnn", "cifar_dense", "cifar_cnn", "dncnn"):
    c, p = w.get(("cascade-gpu", name)), w.get(("pytorch", name))
    ct = c["train_samples_per_s"]["median"] if c else float("nan")
    ci = c["infer_samples_per_s"]["median"] if c else float("nan")
    pt = p["train_samples_per_s"]["median"] if p else float("nan")
    pi = p["infer_samples_per_s"]["median"] if p else float("nan")
    print(f"{name:12s} {ct:14.0f} {pt:14.0f} {ct / pt:6.2f} {ci:15.0f} {pi:14.0f} {ci / pi:6.2f}")
PY
echo "wrote $out"
