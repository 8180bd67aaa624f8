#!/usr/bin/env bash
# Builds and runs every experiment benchmark (bench/experiments/*.cpp) on 1 and 2 threads, one after the
# other in this one run, and writes their JSON lines to bench/results/experiments.json.
#   bench/run_experiments.sh [extra options for every benchmark, e.g. --min-time 1 --reps 5]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${CASCADE_BENCH_BUILD:-$root/build-bench}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCASCADE_BUILD_BENCH=ON -DCASCADE_BUILD_TESTS=OFF \
      -DCASCADE_BUILD_EXAMPLES=OFF >/dev/null
targets=$(cd "$root/bench/experiments" && ls *.cpp | sed 's/\.cpp$//; s/^/bench_/')
cmake --build "$build" -j2 --target $targets
mkdir -p "$root/bench/results"
out="$root/bench/results/experiments.json"
: > "$out"
for t in $targets; do
  for threads in 1 2; do
    "$build/bench/experiments/$t" --threads "$threads" "$@" | tee -a "$out"
  done
done
echo "wrote $out"
