#!/usr/bin/env bash
# flatprobe.sh <api dir> <label> [env...] : one standalone server, one flat-out point, then smaps + gcdump of the server
set -uo pipefail
export PATH="$PATH:$HOME/.dotnet/tools"
api=$1; label=$2; shift 2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
env Chaos__RateLimits__Enabled=false Chaos__Passwords__MemoryKiB=1024 Chaos__Passwords__Iterations=1 Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production "$@" dotnet $api/Chaos.Api.dll --urls http://127.0.0.1:$port > /tmp/fp-$label.log 2>&1 &
spid=$!
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
rm -rf /tmp/peers-bench/chaos
(cd /tmp/peers-fanout && TAG="$label" RESULTS_DIR=/tmp/fp CHAOS_URLS="http://127.0.0.1:$port" CHAOS_PIDS="$spid" ./run.sh chaos ${POINT:-200 5 max}) > /tmp/fp-$label.out 2>&1
grep -o '"rssMiBAtEnd":{"server":[0-9.]*' /tmp/fp/fanout.jsonl | tail -1
grep -o '"deliveredPerSecInWindow":[0-9]*' /tmp/fp/fanout.jsonl | tail -1
cat /proc/$spid/smaps_rollup | head -12
python3 - $spid <<'PY'
import sys,collections,re
pid=sys.argv[1]; agg=collections.Counter(); name=None
for line in open(f'/proc/{pid}/smaps'):
    if re.match(r'^[0-9a-f]+-[0-9a-f]+ ',line):
        parts=line.split(); name=parts[5] if len(parts)>5 else '[anon]'
        if name.startswith('/') and not name.startswith('/memfd'): name='files:'+name.rsplit('/',1)[-1]
    elif line.startswith('Rss:'):
        agg[name]+=int(line.split()[1])
for k,v in agg.most_common(int(__import__('os').environ.get('TOP','12'))): print(f'{v/1024:8.1f} MiB {k}')
PY
dotnet-counters collect -p $spid --counters System.Runtime --duration 00:00:00:04 --format csv -o /tmp/fp-$label.csv >/dev/null 2>&1
grep -E "gc.heap.total_allocated|gc.last_collection.heap.size|gc.last_collection.memory.committed|dotnet.process.memory.working_set|gc.heap.generation" /tmp/fp-$label.csv | tail -12 | cut -c1-200
[[ -n "${DUMP:-}" ]] && dotnet-gcdump collect -p $spid -o /tmp/fp-$label.gcdump >/dev/null 2>&1
kill $spid
