#!/usr/bin/env bash
# Where a front door's memory is at the end of one fan-out point (docs/benchmarks.md, "RSS flat out: GC and JIT
# settings"): starts one standalone front door with the given environment, runs one point of the peer harness against
# it (default: 200 members, 5 senders, flat out), then prints the harness's RSS and throughput, the process's resident
# memory by mapping (/proc/<pid>/smaps, summed per file; [anon] is the GC heap, stacks and native allocations;
# /memfd:doublemapper the runtime's executable memory), the GC's committed bytes and, with DUMP=1, writes a gcdump.
#
#   perf/idle/flat-out-memory.sh <folder of Chaos.Api.dll> <label> [VAR=value ...]
#   perf/idle/flat-out-memory.sh /tmp/f-api ws DOTNET_gcServer=0
#   POINT="50 5 500" perf/idle/flat-out-memory.sh /tmp/f-api tc0 DOTNET_TieredCompilation=0
#
# Rows are appended to /tmp/fp/fanout.jsonl (tag = label). Needs the harness in /tmp/peers-fanout (perf/fanout/run.sh
# copies it there) and dotnet-counters / dotnet-gcdump in ~/.dotnet/tools.
set -uo pipefail
export PATH="$PATH:$HOME/.dotnet/tools"
# shellcheck source=../front-door.env
source "$(dirname "$0")/../front-door.env"   # the runtime environment of a deployed front door
api=${1:?folder of Chaos.Api.dll}; label=${2:?label}; shift 2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
env Chaos__RateLimits__Enabled=false Chaos__Passwords__MemoryKiB=1024 Chaos__Passwords__Iterations=1 \
  Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production "$@" \
  dotnet "$api/Chaos.Api.dll" --urls "http://127.0.0.1:$port" > "/tmp/fp-$label.log" 2>&1 &
spid=$!
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
rm -rf /tmp/peers-bench/chaos
# shellcheck disable=SC2086
(cd /tmp/peers-fanout && TAG="$label" RESULTS_DIR=/tmp/fp CHAOS_URLS="http://127.0.0.1:$port" CHAOS_PIDS="$spid" \
  ./run.sh chaos ${POINT:-200 5 max}) > "/tmp/fp-$label.out" 2>&1
grep -o '"rssMiBAtEnd":{"server":[0-9.]*' /tmp/fp/fanout.jsonl | tail -1
grep -o '"deliveredPerSecInWindow":[0-9]*' /tmp/fp/fanout.jsonl | tail -1
head -12 "/proc/$spid/smaps_rollup"
python3 - "$spid" <<'PY'
import collections, os, re, sys
pid = sys.argv[1]; agg = collections.Counter(); name = None
for line in open(f'/proc/{pid}/smaps'):
    if re.match(r'^[0-9a-f]+-[0-9a-f]+ ', line):
        parts = line.split(); name = parts[5] if len(parts) > 5 else '[anon]'
        if name.startswith('/') and not name.startswith('/memfd'):
            name = 'files:' + name.rsplit('/', 1)[-1]
    elif line.startswith('Rss:'):
        agg[name] += int(line.split()[1])
for k, v in agg.most_common(int(os.environ.get('TOP', '12'))):
    print(f'{v / 1024:8.1f} MiB {k}')
PY
dotnet-counters collect -p "$spid" --counters System.Runtime --duration 00:00:00:04 --format csv -o "/tmp/fp-$label.csv" >/dev/null 2>&1
grep -E "gc.last_collection.heap.size|gc.last_collection.memory.committed" "/tmp/fp-$label.csv" | tail -6 | cut -c1-200
[[ -n "${DUMP:-}" ]] && dotnet-gcdump collect -p "$spid" -o "/tmp/fp-$label.gcdump" >/dev/null 2>&1
kill "$spid"
