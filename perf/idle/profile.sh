#!/usr/bin/env bash
# Profiles CHAOS holding idle connections (docs/benchmarks.md, "Idle connections profiled"): starts a front door the way
# perf/fanout/run.sh does, lets the peer harness connect and join N connections (rooms of 50) and hold them, and 10 s
# after the join takes, in this order: the server's CPU from /proc over 20 s (untraced), a 20 s dotnet-trace thread-time
# sample, 40 s of dotnet-counters, a gcdump while held, and a second gcdump 5 s after the harness closed everything.
#
#   perf/idle/profile.sh <out dir> <Chaos.Api.dll> [N=5000]
#   EXTRA_ENV="Chaos__Streams__PullPeriodMilliseconds=50" perf/idle/profile.sh /tmp/idle-pull50 /tmp/idle-api/Chaos.Api.dll
#
# Then: python3 perf/idle/cpu.py <out>/cpu.speedscope.json 20     (where the CPU went, by category)
#       python3 perf/idle/heap.py <out>/heap.txt <out>/heap-after-close.txt N   (bytes per connection, by type)
# Needs dotnet-trace, dotnet-counters, dotnet-gcdump (dotnet tool install -g ...; PATH gets ~/.dotnet/tools) and the
# harness in /tmp/peers-fanout (perf/fanout/run.sh copies it there).
set -uo pipefail
export PATH="$PATH:$HOME/.dotnet/tools"
# shellcheck source=../front-door.env
source "$(dirname "$0")/../front-door.env"   # the runtime environment of a deployed front door
d="${1:?out dir}"; dll="${2:?Chaos.Api.dll}"; n="${3:-5000}"; mkdir -p "$d"
harness="${HARNESS:-/tmp/peers-fanout}"
[[ -d "$harness" ]] || cp -r "$(cd "$(dirname "$0")/../.." && pwd)/../shared/bench/peers" "$harness"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# shellcheck disable=SC2086
env Chaos__RateLimits__Enabled=false Chaos__Passwords__MemoryKiB=1024 Chaos__Passwords__Iterations=1 \
  Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production ${EXTRA_ENV:-} \
  dotnet "$dll" --urls "http://127.0.0.1:$port" > "$d/server.log" 2>&1 &
spid=$!
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
rm -rf /tmp/peers-bench/chaos
(cd "$harness" && HOLD="${HOLD:-120}" TAG="profile load $(cut -d' ' -f1-3 /proc/loadavg)" RESULTS_DIR="$d" \
  CHAOS_URLS="http://127.0.0.1:$port" CHAOS_PIDS="$spid" ./run.sh chaos conns "$n") > "$d/driver.out" 2> "$d/driver.err" &
drv=$!
until grep -q "joined" "$d/driver.err" 2>/dev/null; do sleep 2; kill -0 "$drv" 2>/dev/null || { kill "$spid"; exit 1; }; done
sleep 10
t0=$(awk '{print $14+$15}' "/proc/$spid/stat"); l0="$(cut -d' ' -f1-3 /proc/loadavg)"; sleep 20
t1=$(awk '{print $14+$15}' "/proc/$spid/stat")
{ echo "untraced 20 s: $(( (t1 - t0) * 100 / 2000 )) % of a core; load $l0 -> $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%T)"
  grep VmRSS "/proc/$spid/status"; echo "trace from $(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"; } > "$d/loads.txt"
dotnet-trace collect -p "$spid" --profile dotnet-sampled-thread-time --duration 00:00:00:20 -o "$d/cpu.nettrace" > "$d/trace.out" 2>&1
timeout 45 dotnet-counters collect -p "$spid" --counters System.Runtime,Microsoft.Orleans --refresh-interval 10 --format csv -o "$d/counters.csv" >/dev/null 2>&1
dotnet-gcdump collect -p "$spid" -o "$d/heap.gcdump" > /dev/null 2>&1
wait "$drv"
sleep 5
dotnet-gcdump collect -p "$spid" -o "$d/heap-after-close.gcdump" > /dev/null 2>&1
kill "$spid"; wait "$spid" 2>/dev/null
dotnet-trace convert --format speedscope "$d/cpu.nettrace" -o "$d/cpu.json" > /dev/null 2>&1
dotnet-gcdump report "$d/heap.gcdump" > "$d/heap.txt" 2>&1
dotnet-gcdump report "$d/heap-after-close.gcdump" > "$d/heap-after-close.txt" 2>&1
cat "$d/loads.txt"
