#!/usr/bin/env bash
# mnist_cnn (seed 001) training and inference throughput, cascade vs PyTorch CPU, side by side in one run,
# on 1 and 2 threads; plus the compile time of examples/mnist_cnn. Prints a ratio table and writes
# bench/results/mnist_cnn.json.
#   bench/run_mnist_cnn.sh [rounds]      (default 3 rounds; each round runs every peer once per thread count)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
bash scripts/install-deps --bench >&2
build=${BUILD_DIR:-build-bench}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCASCADE_BUILD_BENCH=ON -DCASCADE_BUILD_TESTS=OFF \
      -DCASCADE_BUILD_EXAMPLES=ON -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >&2
cmake --build "$build" -j"$(nproc)" --target cascade_workloads mnist_cnn >&2

# Compile time and peak memory of the example's translation unit, with the build's own command line.
cmd=$(/usr/bin/python3 -c "
import json,sys
for e in json.load(open('$build/compile_commands.json')):
    if e['file'].endswith('examples/mnist_cnn/main.cpp'): print(e['command']); break")
compile=$(cd "$build" && /usr/bin/time -f "%e %M" bash -c "$cmd -o /tmp/cascade_mnist_cnn_tu.o" 2>&1 >/dev/null | tail -1)

# Same malloc setting for every process (transparent huge pages; see ../shared/REFERENCE.md).
export GLIBC_TUNABLES=glibc.malloc.hugetlb=1
out=bench/results/mnist_cnn.json
mkdir -p bench/results
: > "$out.lines"
for r in $(seq "$rounds"); do
  for t in 1 2; do
    "$build/bench/peers/cascade_workloads" --workload mnist_cnn --threads "$t" --reps 3 >> "$out.lines"
    # PyTorch with the OpenMP build of OpenBLAS, as bench/run_peers.sh and ../shared/REFERENCE.md run it.
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
      /usr/bin/python3 bench/peers/torch_workloads.py --workload mnist_cnn --threads "$t" --reps 3 >> "$out.lines"
  done
  echo "round $r/$rounds done" >&2
done
/usr/bin/python3 - "$out" "$compile" <<'PY'
import json, statistics, sys, platform, datetime, subprocess
out, compile_ = sys.argv[1], sys.argv[2].split()
runs = [json.loads(l) for l in open(out + ".lines")]
def med(peer, t, key):
    v = [r[key]["median"] for r in runs if r["peer"] == peer and r["threads"] == t]
    return statistics.median(v), min(v), max(v)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
table = []
print(f"mnist_cnn, batch 64, Adam — samples/s (median over rounds of per-round medians; min–max)   {cpu}, {datetime.date.today()}")
print(f"{'threads':>7} {'mode':>6} {'cascade':>22} {'pytorch':>22} {'cascade/pytorch':>16}")
for t in (1, 2):
    for mode, key in (("train", "train_samples_per_s"), ("infer", "infer_samples_per_s")):
        c, p = med("cascade", t, key), med("pytorch", t, key)
        ratio = c[0] / p[0]
        table.append({"threads": t, "mode": mode, "cascade": c[0], "pytorch": p[0], "ratio": ratio})
        print(f"{t:>7} {mode:>6} {c[0]:>9.0f} ({c[1]:.0f}–{c[2]:.0f}) {p[0]:>9.0f} ({p[1]:.0f}–{p[2]:.0f}) {ratio:>15.2f}x")
params = {r["peer"]: r["params"] for r in runs}
print(f"parameters: {params}")
print(f"compile time of examples/mnist_cnn/main.cpp: {compile_[0]} s, peak {int(compile_[1]) // 1024} MB")
json.dump({"date": str(datetime.date.today()), "cpu": cpu, "table": table, "runs": runs, "params": params,
           "compile_seconds": float(compile_[0]), "compile_peak_mb": int(compile_[1]) // 1024}, open(out, "w"), indent=1)
PY
rm -f "$out.lines"
