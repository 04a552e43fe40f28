#!/usr/bin/env bash
# Times `sessim compare` on a virtual day at 10,000 visitors an hour under all four GC
# strategies (the target is under 5 s in a release build), and prints the median of N runs.
#
#   bench/compare-speed.sh [N]        # from the project root; N defaults to 5
set -euo pipefail
runs=${1:-5}
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/sessim
times=()
for i in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  "$bin" compare --seed 1 --duration 1d --rate 10000/h > /dev/null
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  echo "run $i: ${ms} ms"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}')
echo "compare, 1d at 10000/h, 4 strategies: median ${median} ms of $runs runs ($(nproc) CPUs)"
