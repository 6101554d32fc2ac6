#!/usr/bin/env bash
# Does a front door's memory stay flat while 200 sockets never read (docs/benchmarks.md#flat-memory-under-non-reading-sockets)?
# Runs the hostile load twice against a standalone front door on a throwaway PostgreSQL (in memory, every message stays
# in the process, so RSS grows whatever the sockets do): once with 200 non-reading sockets kept open for the whole attack
# (each one the server closes as a slow consumer is replaced), once without any (the control). The load generator samples
# the server's RSS and managed heap every second into <out>/<run>.json.
#
#   perf/hostile-memory.sh [seconds=300] [out=/tmp/hostile-memory]
#
# Needs: PostgreSQL server binaries; a Release build of the front door (CHAOS_API_DLL, default api/bin/Release/...) and of
# the load generator (`dotnet build perf/Chaos.LoadTest -c Release`).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-300}"
out="${2:-/tmp/hostile-memory}"
api_dll="${CHAOS_API_DLL:-$repo/api/bin/Release/net10.0/Chaos.Api.dll}"
load_dll="$repo/perf/Chaos.LoadTest/bin/Release/net10.0/chaos-load.dll"
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
port=54391
mkdir -p "$out"
work="$(mktemp -d /tmp/hostile-memory.XXXXXX)"
pgrun=()
if [[ "$(id -u)" == 0 ]]; then
  # initdb refuses to run as root: the server runs as an unprivileged user, as the test fixture does.
  id -u chaospg >/dev/null 2>&1 || useradd -M -s /bin/sh chaospg
  chmod 755 "$work"; mkdir -p "$work/pg"; chown chaospg "$work/pg"; touch "$work/pg.log"; chown chaospg "$work/pg.log"
  pgrun=(runuser -u chaospg --)
fi
server=""
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null || true
  "${pgrun[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"${pgrun[@]}" "$pgbin/initdb" -D "$work/pg" -U postgres -A trust >/dev/null
"${pgrun[@]}" "$pgbin/pg_ctl" -D "$work/pg" -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=300" -l "$work/pg.log" -w start >/dev/null

for run in reopen control; do
  extra=(--slow-reopen); [[ $run == control ]] && extra=(--slow-sockets 0)
  "${pgrun[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres "hostile_$run"
  dotnet "$api_dll" --urls=http://127.0.0.1:5291 --Chaos:SiloPort=11291 --Chaos:GatewayPort=30291 \
    "--ConnectionStrings:Chaos=Host=127.0.0.1;Port=$port;Username=postgres;Database=hostile_$run" \
    --Chaos:RateLimits:MessagesLimit=100000 --Chaos:RateLimits:RequestsLimit=100000 \
    --Chaos:RateLimits:AuthPerAddressLimit=1000000 --Chaos:RateLimits:InvitePreviewsPerAddressLimit=1000000 \
    --Chaos:RateLimits:GatewayConnectsPerAddressLimit=1000000 --Logging:LogLevel:Default=Warning > "$out/$run-server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 240); do curl -sf http://127.0.0.1:5291/health/ready >/dev/null && break; sleep 0.5; done
  echo "$run: start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/loads.txt"
  dotnet "$load_dll" hostile -u http://127.0.0.1:5291 --duration "$seconds" --setup-concurrency 8 --server-pid "$server" \
    --flood-lanes 0 --reconnectors 0 --rate 500 "${extra[@]}" -o "$out/$run.json" > "$out/$run-load.log" 2>&1
  echo "$run: end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/loads.txt"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
done
python3 "$repo/perf/hostile-memory.py" "$out/reopen.json" "$out/control.json"
