#!/usr/bin/env bash
# Runs `sessim bench --provider redis` beside `redis-benchmark -t set` against one private
# redis-server, N times, alternating, and prints each run and the medians: SET's requests
# per second, the mixed phase's operations per second, and their ratio (the target is 70%).
# SET runs just before and just after each sessim run, and the ratio takes the mean of the
# two, so that a machine growing busier or quieter during a run moves both sides alike.
# Each run also has `redis-benchmark` call the floor (bench/floor.lua: the five commands an
# exact-LRU access needs, alone, on 100,000 sessions): what any client could reach with
# sessim's layout on this machine.
#
#   bench/redis.sh [N] [tcp|unix] [one-cpu]
#
# From the project root. N defaults to 5; tcp, the default, is 127.0.0.1 on a free port (how
# web servers reach Redis), unix a socket. `one-cpu` pins the server and every client to
# CPU 0 (Linux taskset). Then no round trip waits for another CPU to wake, and the ratio
# measures the work each request costs alone. Unpinned, as users run it, the two processes
# usually sit on two CPUs, and each round trip also waits for the other to wake up. On a
# virtual machine that wait varies widely from run to run.
#
# The server is started in a temporary folder, without persistence, and stopped at the
# end; a Redis already running is never touched. Needs redis-server and redis-benchmark
# (Debian: redis-server) and python3 (to find a free port).
set -euo pipefail
runs=${1:-5}
mode=${2:-tcp}
pin=()
case ${3:-} in
  '') ;;
  one-cpu) pin=(taskset -c 0) ;;
  *) echo "usage: bench/redis.sh [N] [tcp|unix] [one-cpu]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/sessim
dir=$(mktemp -d)
trap 'redis-cli -s "$dir/r.sock" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --unixsocket "$dir/r.sock" --unixsocketperm 700 \
  --save "" --appendonly no --dir "$dir" --daemonize yes --loglevel warning
for _ in $(seq 50); do redis-cli -s "$dir/r.sock" ping >/dev/null 2>&1 && break; sleep 0.1; done
if [ ${#pin[@]} -gt 0 ]; then
  taskset -a -pc 0 "$(redis-cli -s "$dir/r.sock" info server | sed -n 's/^process_id:\([0-9]*\).*/\1/p')" >/dev/null
fi
redis-cli -s "$dir/r.sock" -x function load replace <bench/floor.lua >/dev/null
case $mode in
  tcp) url="redis://127.0.0.1:$port/0"; target=(-h 127.0.0.1 -p "$port") ;;
  unix) url="unix://$dir/r.sock"; target=(-s "$dir/r.sock") ;;
  *) echo "usage: bench/redis.sh [N] [tcp|unix] [one-cpu]" >&2; exit 2 ;;
esac
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
rps() { tr '\r' '\n' | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -1; }
sets=() mixed=() ratios=() floors=()
for i in $(seq 1 "$runs"); do
  set_before=$("${pin[@]}" redis-benchmark "${target[@]}" -q -c 1 -P 1 -n 100000 -t set 2>/dev/null | rps)
  for from in 0 20000 40000 60000 80000; do
    redis-cli -s "$dir/r.sock" fcall sessim_floor_fill 0 "$from" $((from + 19999)) >/dev/null
  done
  # The arguments sessim's read_access sends for a get, so that the requests weigh the same.
  floor_rps=$("${pin[@]}" redis-benchmark "${target[@]}" -q -c 1 -P 1 -n 100000 -r 100000 fcall \
    sessim_floor_access 1 'sessim:{floor}:meta' 'sessim:{floor}:' __rand_int__ \
    19999999999999999999 00000000000000000000 00000000000000000000 0 '' '' get uid '' \
    2>/dev/null | rps)
  if [ -z "$floor_rps" ] || [ "$(redis-cli -s "$dir/r.sock" fcall sessim_floor_access 1 \
    'sessim:{floor}:meta' 'sessim:{floor}:' 000000000007 19999999999999999999)" != 1 ]; then
    echo "run $i: the floor did not run (see bench/floor.lua)" >&2
    exit 1
  fi
  redis-cli -s "$dir/r.sock" flushall >/dev/null
  out=$(SESSIM_REDIS_URL=$url "${pin[@]}" "$bin" bench --provider redis --sessions 100000 --ops 200000 2>/dev/null)
  digest=$(sed -n 's/.*digest=\([0-9a-f]*\).*/\1/p' <<<"$out")
  if [ "$digest" != 6264bc8ad44760f9 ]; then
    echo "run $i: digest $digest, expected 6264bc8ad44760f9" >&2
    exit 1
  fi
  set_after=$("${pin[@]}" redis-benchmark "${target[@]}" -q -c 1 -P 1 -n 100000 -t set 2>/dev/null | rps)
  if [ -z "$set_before" ] || [ -z "$set_after" ]; then
    echo "run $i: redis-benchmark -t set did not run" >&2
    exit 1
  fi
  set_rps=$(awk -v a="$set_before" -v b="$set_after" 'BEGIN {printf "%.0f", (a + b) / 2}')
  ns=$(sed -n 's/^phase=mixed n=[0-9]* ns_per_op=\([0-9.]*\).*/\1/p' <<<"$out")
  ops=$(awk -v ns="$ns" 'BEGIN {printf "%.0f", 1e9 / ns}')
  ratio=$(awk -v a="$ops" -v b="$set_rps" 'BEGIN {printf "%.1f", 100 * a / b}')
  floor=$(awk -v a="$floor_rps" -v b="$set_rps" 'BEGIN {printf "%.1f", 100 * a / b}')
  sets+=("$set_rps") mixed+=("$ops") ratios+=("$ratio") floors+=("$floor")
  echo "run $i: SET ${set_rps} req/s (${set_before} before, ${set_after} after), mixed ${ops} op/s (${ns} ns/op), ${ratio}% (digest ok);" \
    "floor ${floor_rps} op/s, ${floor}%"
done
echo "redis over $mode${3:+ on $3}, $runs runs ($(nproc) CPUs): SET median $(printf '%s\n' "${sets[@]}" | median) req/s," \
  "mixed median $(printf '%s\n' "${mixed[@]}" | median) op/s, ratio median $(printf '%s\n' "${ratios[@]}" | median)%" \
  "(target 70%); floor median $(printf '%s\n' "${floors[@]}" | median)%"
