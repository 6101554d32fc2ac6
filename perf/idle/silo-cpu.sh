#!/usr/bin/env bash
# CPU of an idle standalone silo (no connection at all), per thread (docs/benchmarks.md, "Stream queues that wait"):
# starts the front door, waits for /health/ready, then WARM seconds (default 90: tiered compilation is still
# re-compiling methods for a minute after start-up, which is start-up cost, not idle cost), then reads utime+stime of the
# process and of each thread over 30 s.
#
#   API=/tmp/f-api perf/idle/silo-cpu.sh <label> [server args...]
#   WARM=15 API=/tmp/f-api perf/idle/silo-cpu.sh poll --Chaos:Streams:QueueWaitMilliseconds=0
set -uo pipefail
label=${1:?label}; shift
# shellcheck source=../front-door.env
source "$(dirname "$0")/../front-door.env"   # the runtime environment of a deployed front door
dotnet "${API:-/tmp/f-api}/Chaos.Api.dll" --urls=http://127.0.0.1:5391 --Chaos:SiloPort=11391 --Chaos:GatewayPort=30391 "$@" > "/tmp/idle-$label.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -sf http://127.0.0.1:5391/health/ready >/dev/null && break; sleep 1; done
sleep "${WARM:-90}"
# Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
ticks() { local s r; s=$(cat "$1"); r=${s##*) }; set -- $r; echo "${12} ${13}"; }
snap() { for t in /proc/$pid/task/*; do echo "$(basename "$t") $(tr ' ' _ < "$t/comm") $(ticks "$t/stat")"; done | sort; }
snap > "/tmp/idle-$label.a"; a=$(ticks "/proc/$pid/stat"); sleep 30; snap > "/tmp/idle-$label.b"; b=$(ticks "/proc/$pid/stat")
read -r au as <<< "$a"; read -r bu bs <<< "$b"
hz=$(getconf CLK_TCK)
echo "$label: $(echo "scale=2; 100 * ($bu + $bs - $au - $as) / $hz / 30" | bc) % of a core over 30 s (utime $((bu - au)), stime $((bs - as)) ticks; load $(cut -d' ' -f1 /proc/loadavg))"
join "/tmp/idle-$label.a" "/tmp/idle-$label.b" | awk '{u=$6-$3; s=$7-$4; if (u+s>0) printf "  thread %s %s: utime %d stime %d ticks\n", $1, $2, u, s}' | sort -t: -k2 -r
kill "$pid"; wait "$pid" 2>/dev/null
