#!/usr/bin/env bash
# cascade against its peers — PyTorch CPU (Debian python3-torch), dlib (libdlib-dev) and tiny-dnn (tiny-dnn)
# — on the workloads of bench/peers/README.md, side by side in one run: training and inference samples/s
# on 1 and 2 threads, peak RSS of every process, and the compile time and peak memory of each C++
# workload's translation unit. Prints tables (absolute numbers and cascade/peer ratios) and writes
# bench/results/peers.json.
#
#   bench/run_peers.sh [rounds]          default 3; each round runs every peer × workload × thread count once
#
# Environment: WORKLOADS (default "fit1d mnist_cnn cifar_dense cifar_cnn dncnn"), THREADS ("1 2"),
# MIN_TIME (seconds per timed repetition, default 0.25), REPS (repetitions per process, default 5),
# WARMUP (steps, default 3), BUILD_DIR (default build-peers), BUILD=0 (reuse the binaries and compile
# figures of a previous run), OUT (default bench/results/peers.json).
# Needs root (or sudo) only to install missing Debian packages.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
workloads=${WORKLOADS:-fit1d mnist_cnn cifar_dense cifar_cnn dncnn}
threads=${THREADS:-1 2}
min_time=${MIN_TIME:-0.25}
reps=${REPS:-5}
warmup=${WARMUP:-3}
build=${BUILD_DIR:-build-peers}
out=${OUT:-bench/results/peers.json}
started=$(date +%s)

# ---- 1. packages (only the missing ones) ----
pkgs=(build-essential pkg-config time libxtensor-dev libxsimd-dev xtl-dev zlib1g-dev
      python3-torch python3-numpy libopenblas-dev libopenblas0-openmp
      libdlib-dev tiny-dnn libcereal-dev libgemmlowp-dev libstb-dev)
missing=()
for p in "${pkgs[@]}"; do
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" == installed ]] || missing+=("$p")
done
if (( ${#missing[@]} )); then
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  echo "run_peers: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- 2. builds: one translation unit per (C++ peer, workload), timed with /usr/bin/time ----
# tiny-dnn 1.0a3 cannot express dncnn (see tinydnn_workloads.cpp): no binary for it, its single-threaded
# all-workloads binary prints the "unsupported" line.
tinydnn_workloads=()
for w in $workloads; do [[ $w == dncnn ]] || tinydnn_workloads+=("$w"); done
mkdir -p "$build"
compile_file="$build/compile.tsv"
# Debian's tiny-dnn includes "third_party/stb/*.h", which Debian ships as <stb/*.h> (libstb-dev).
mkdir -p "$build/tinydnn-shim/third_party/stb"
for h in stb_image.h stb_image_resize.h stb_image_write.h; do
  echo "#include <stb/$h>" > "$build/tinydnn-shim/third_party/stb/$h"
done
common=(-O3 -DNDEBUG -march=native)
cascade_flags=("${common[@]}" -std=c++20 -Iinclude -DXTENSOR_USE_XSIMD -fopenmp-simd -pthread)
dlib_flags=("${common[@]}" -std=c++17 $(pkg-config --cflags dlib-1))
dlib_libs=($(pkg-config --libs dlib-1))
tinydnn_flags=("${common[@]}" -std=c++14 -DCNN_USE_AVX -I"$build/tinydnn-shim" -pthread)

# compile PEER WORKLOAD SOURCE -- FLAGS... : times `g++ -c` of the TU, then links (not timed).
compile() {
  local peer=$1 w=$2 src=$3; shift 4
  local flags=("$@") obj="$build/${peer}_$w.o"
  local m
  m=$( { /usr/bin/time -f "%e %M %U %S" g++ "${flags[@]}" -DWORKLOAD="$w" -c "$src" -o "$obj" 2>&1 >/dev/null; } | tail -1) || true
  [[ -f "$obj" ]] || { echo "run_peers: compiling $src for $w failed: $m" >&2; exit 1; }
  printf '%s\t%s\t%s\n' "$peer" "$w" "$m" >> "$compile_file"
  local f=($m)
  echo "  $peer $w: ${f[0]} s wall, ${f[2]} + ${f[3]} s CPU, $(( f[1] / 1024 )) MB" >&2
}
if [[ ${BUILD:-1} != 0 ]]; then
  echo "run_peers: compiling (one TU per peer and workload, sequentially)" >&2
  : > "$compile_file"
  for w in $workloads; do
    compile cascade "$w" bench/peers/cascade_workloads.cpp -- "${cascade_flags[@]}"
    g++ "${cascade_flags[@]}" "$build/cascade_$w.o" -o "$build/cascade_$w" -lz -pthread
    compile dlib "$w" bench/peers/dlib_workloads.cpp -- "${dlib_flags[@]}"
    g++ "$build/dlib_$w.o" -o "$build/dlib_$w" "${dlib_libs[@]}"
    [[ " ${tinydnn_workloads[*]} " == *" $w "* ]] || continue
    # tiny-dnn's default threading (a std::thread per core for every parallel loop) for T > 1 ...
    compile tiny-dnn "$w" bench/peers/tinydnn_workloads.cpp -- "${tinydnn_flags[@]}"
    g++ "$build/tiny-dnn_$w.o" -o "$build/tiny-dnn_$w" -pthread
  done
  # ... and its CNN_SINGLE_THREAD build for T = 1 (all workloads in one binary; not timed).
  g++ "${tinydnn_flags[@]}" -DCNN_SINGLE_THREAD bench/peers/tinydnn_workloads.cpp -o "$build/tiny-dnn_single"
fi
echo "run_peers: builds done after $(( $(date +%s) - started )) s" >&2

# ---- 3. runs ----
# Every process: transparent huge pages for malloc (../shared/REFERENCE.md did the same), and its thread
# count through the peer's own knob (cascade::set_num_threads, torch.set_num_threads,
# openblas_set_num_threads for dlib's BLAS, tiny-dnn's build flavour) plus OMP_/OPENBLAS_NUM_THREADS.
# PyTorch runs with the OpenMP build of OpenBLAS (as in REFERENCE.md), so that its OpenMP threads and its
# BLAS's share the cores; the system default (pthread OpenBLAS) is left alone.
export GLIBC_TUNABLES=glibc.malloc.hugetlb=1
openblas_omp=/usr/lib/x86_64-linux-gnu/openblas-openmp
ncpu=$(nproc)
lines="$build/runs.jsonl"
: > "$lines"
run_one() {   # run_one ROUND PEER WORKLOAD THREADS
  local r=$1 peer=$2 w=$3 t=$4
  local args=(--workload "$w" --threads "$t" --reps "$reps" --warmup "$warmup" --min-time "$min_time")
  # dncnn steps take 0.1-4 s: a fixed one training step and two inference steps per repetition.
  [[ $w == dncnn ]] && args=(--workload "$w" --threads "$t" --reps 3 --warmup 1 --train-steps 1 --infer-steps 2)
  local cmd
  case $peer in
    cascade) cmd=("$build/cascade_$w" "${args[@]}") ;;
    pytorch) cmd=(env LD_LIBRARY_PATH="$openblas_omp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
                  /usr/bin/python3 bench/peers/torch_workloads.py "${args[@]}") ;;
    dlib) cmd=("$build/dlib_$w" "${args[@]}") ;;
    tiny-dnn)
      if (( t == 1 )) || [[ $w == dncnn ]]; then cmd=("$build/tiny-dnn_single" "${args[@]}")
      else
        (( t == ncpu )) || echo "run_peers: warning: tiny-dnn uses $ncpu threads (hardware_concurrency), not $t" >&2
        cmd=("$build/tiny-dnn_$w" "${args[@]}")
      fi ;;
  esac
  local json stat0 stat1
  stat0=$(busy_jiffies)
  json=$(OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t /usr/bin/time -f "%M %e %U %S" -o "$build/rss.txt" "${cmd[@]}" | tail -1) || {
    echo "run_peers: $peer $w T=$t failed" >&2; json="{\"peer\": \"$peer\", \"workload\": \"$w\", \"threads\": $t, \"failed\": true}"; }
  stat1=$(busy_jiffies)
  # rss_kb: peak RSS; others_cpu: the share of the machine's CPUs that other processes used meanwhile
  # (busy time of all CPUs from /proc/stat minus this process's user + system time), a noise indicator.
  /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1]); rss, wall, usr, sy = map(float, sys.argv[5].split())
d["peer"] = sys.argv[2]; d["round"] = int(sys.argv[3]); d["rss_kb"] = int(rss)
busy = (int(sys.argv[7]) - int(sys.argv[6])) / 100.0
if wall >= 0.5: d["others_cpu"] = round(max(0.0, busy - usr - sy) / (wall * int(sys.argv[4])), 3)
print(json.dumps(d))' "$json" "$peer" "$r" "$ncpu" "$(tail -1 "$build/rss.txt")" "$stat0" "$stat1" >> "$lines"
}
busy_jiffies() {   # user + nice + system + irq + softirq + steal of all CPUs, in 1/100 s
  awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat
}
peers=(cascade pytorch dlib tiny-dnn)
for r in $(seq "$rounds"); do
  for w in $workloads; do
    for t in $threads; do
      for p in "${peers[@]}"; do run_one "$r" "$p" "$w" "$t"; done
    done
  done
  echo "run_peers: round $r/$rounds done after $(( $(date +%s) - started )) s" >&2
done

# ---- 4. tables and JSON ----
mkdir -p "$(dirname "$out")"
/usr/bin/python3 - "$lines" "$compile_file" "$out" "$rounds" "$min_time" "$reps" "$(( $(date +%s) - started ))" <<'PY'
import datetime, json, platform, statistics, subprocess, sys
lines, compile_file, out, rounds, min_time, reps, elapsed = sys.argv[1:8]
runs = [json.loads(l) for l in open(lines) if l.strip()]
PEERS = ["cascade", "pytorch", "dlib", "tiny-dnn"]
WORKLOADS = list(dict.fromkeys(r["workload"] for r in runs))
THREADS = sorted({r["threads"] for r in runs})

def pkg(name):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", name], capture_output=True, text=True).stdout or "?"
    except OSError:
        return "?"
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
flags = set(next((l.split(":", 1)[1].split() for l in open("/proc/cpuinfo") if l.startswith("flags")), []))
isa = "AVX-512" if "avx512f" in flags else "AVX2+FMA" if "avx2" in flags and "fma" in flags else "SSE/AVX"
cpu = f"{cpu} ({isa}, {__import__('os').cpu_count()} CPUs)"
gxx = subprocess.run(["g++", "-dumpfullversion"], capture_output=True, text=True).stdout.strip()
torch_v = next((r.get("torch_version") for r in runs if r.get("torch_version")), "?")
versions = {"g++": gxx, "torch": torch_v, "python3-torch": pkg("python3-torch"), "libdlib-dev": pkg("libdlib-dev"),
            "tiny-dnn": pkg("tiny-dnn"), "libopenblas0": pkg("libopenblas0-pthread"), "libxtensor-dev": pkg("libxtensor-dev"),
            "libxsimd-dev": pkg("libxsimd-dev")}

def cell(peer, w, t, key):
    """median over rounds of the per-round medians, with min and max of those; None if the peer has none."""
    v = [r[key]["median"] for r in runs if r["peer"] == peer and r["workload"] == w and r["threads"] == t and key in r]
    return (statistics.median(v), min(v), max(v)) if v else None
def why_not(peer, w):
    for r in runs:
        if r["peer"] == peer and r["workload"] == w and ("unsupported" in r or r.get("failed")):
            return r.get("unsupported") or "failed"
    return None

def fmt(x):
    if x is None: return "–"
    v = x[0]
    return f"{v/1e6:.2f}M" if v >= 1e6 else f"{v/1e3:.1f}k" if v >= 1e4 else f"{v:,.0f}" if v >= 100 else f"{v:.2f}"

table = []
print(f"\ncascade vs peers — samples/s, median of {rounds} rounds (each the median of {reps} repetitions of "
      f"~{min_time} s; dncnn: 3 repetitions of 1 training / 2 inference steps); {cpu}, {datetime.date.today()}")
hdr = f"| workload | mode | T | " + " | ".join(PEERS) + " | " + " | ".join(f"cascade/{p}" for p in PEERS[1:]) + " |"
print(hdr)
print("|" + "---|" * (3 + len(PEERS) + len(PEERS) - 1))
for w in WORKLOADS:
    for mode, key in (("train", "train_samples_per_s"), ("infer", "infer_samples_per_s")):
        for t in THREADS:
            cells = {p: cell(p, w, t, key) for p in PEERS}
            row = {"workload": w, "mode": mode, "threads": t}
            for p in PEERS:
                row[p] = None if cells[p] is None else {"median": cells[p][0], "min": cells[p][1], "max": cells[p][2]}
            ratios = []
            for p in PEERS[1:]:
                if cells["cascade"] and cells[p]:
                    q = cells["cascade"][0] / cells[p][0]
                    row[f"cascade/{p}"] = q
                    ratios.append(f"{q:.2f}×")
                else:
                    ratios.append("–")
            names = [fmt(cells[p]) if cells[p] else ("not yet in cascade" if p == "cascade" and w == "dncnn" else "n/a")
                     for p in PEERS]
            table.append(row)
            print(f"| {w} | {mode} | {t} | " + " | ".join(names) + " | " + " | ".join(ratios) + " |")

print("\nspread (min–max over rounds of the per-round medians), samples/s:")
for w in WORKLOADS:
    for mode, key in (("train", "train_samples_per_s"), ("infer", "infer_samples_per_s")):
        for t in THREADS:
            parts = []
            for p in PEERS:
                c = cell(p, w, t, key)
                if c: parts.append(f"{p} {c[1]:.4g}–{c[2]:.4g}")
            if parts: print(f"  {w:11s} {mode} T={t}: " + ", ".join(parts))

params = {w: {p: next((r["params"] for r in runs if r["peer"] == p and r["workload"] == w and "params" in r), None)
              for p in PEERS} for w in WORKLOADS}
print("\nparameters (as each implementation counts them):")
for w in WORKLOADS:
    print(f"  {w:11s} " + ", ".join(f"{p} {v:,}" if v is not None else f"{p} –" for p, v in params[w].items()))

unsupported = {f"{p}/{w}": why_not(p, w) for w in WORKLOADS for p in PEERS if why_not(p, w)}
if unsupported:
    print("\nnot measured:")
    for k, v in unsupported.items(): print(f"  {k}: {v}")

rss = {}
print("\npeak RSS per process (MB, max over rounds; training and inference in one process):")
print("| workload | T | " + " | ".join(PEERS) + " |")
print("|" + "---|" * (2 + len(PEERS)))
for w in WORKLOADS:
    for t in THREADS:
        vals = {}
        for p in PEERS:
            v = [r["rss_kb"] for r in runs if r["peer"] == p and r["workload"] == w and r["threads"] == t
                 and "train_samples_per_s" in r]
            vals[p] = max(v) / 1024 if v else None
        rss[f"{w}/{t}"] = vals
        print(f"| {w} | {t} | " + " | ".join(f"{v:.0f}" if v is not None else "–" for v in vals.values()) + " |")

compile_ = []
try:
    for l in open(compile_file):
        peer, w, m = l.rstrip("\n").split("\t")
        f = m.split()
        if len(f) != 4: continue   # a failed or older-format line
        compile_.append({"peer": peer, "workload": w, "seconds": float(f[0]), "cpu_seconds": round(float(f[2]) + float(f[3]), 2),
                         "peak_mb": int(f[1]) // 1024})
except FileNotFoundError:
    pass
if compile_:
    print("\ncompile time of one translation unit per workload (g++ -O3 -march=native -c): wall s (CPU s) / peak MB")
    cpeers = ["cascade", "dlib", "tiny-dnn"]
    print("| workload | " + " | ".join(cpeers) + " |")
    print("|" + "---|" * (1 + len(cpeers)))
    for w in dict.fromkeys(c["workload"] for c in compile_):
        cells = []
        for p in cpeers:
            c = next((c for c in compile_ if c["peer"] == p and c["workload"] == w), None)
            cells.append(f"{c['seconds']:.1f} s ({c['cpu_seconds']:.1f} s) / {c['peak_mb']} MB" if c else "–")
        print(f"| {w} | " + " | ".join(cells) + " |")
oc = [r["others_cpu"] for r in runs if "others_cpu" in r and "train_samples_per_s" in r]
if oc:
    print(f"\nother processes' share of the {__import__('os').cpu_count()} CPUs during the measured processes: median "
          f"{statistics.median(oc):.0%}, max {max(oc):.0%} (0% = the benchmark had the machine to itself)")
print(f"\nversions: {versions}")
print(f"total time of this run: {elapsed} s")
json.dump({"date": str(datetime.date.today()), "cpu": cpu, "nproc": __import__("os").cpu_count(), "versions": versions,
           "settings": {"rounds": int(rounds), "reps": int(reps), "min_time_s": float(min_time),
                        "GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"},
           "table": table, "params": params, "not_measured": unsupported, "peak_rss_mb": rss,
           "compile": compile_, "runs": runs, "elapsed_s": int(elapsed)}, open(out, "w"), indent=1)
print(f"wrote {out}")
PY
