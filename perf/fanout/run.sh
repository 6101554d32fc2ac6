#!/usr/bin/env bash
# Fan-out side by side with ejabberd (docs/benchmarks.md#fan-out-against-ejabberd): the peer harness in
# ../shared/bench/peers drives ejabberd, CHAOS and a bare SignalR hub with one Node driver, one point after the other,
# in ONE run, so every figure of a point was taken under the same machine load (printed with each line).
#
#   perf/fanout/run.sh                       # default points: 50×100/s (5k/s), 50×500/s (25k/s), 200 flat out
#   perf/fanout/run.sh "50 5 100" "200 5 max"   # points as "members senders rate|max"
#   TARGETS="ejabberd chaos bare pg cluster baseline" perf/fanout/run.sh ...   # which servers (default: ejabberd chaos bare;
#                                            pg = one front door on PostgreSQL, cluster = two; baseline = CHAOS from
#                                            BASELINE_DLL, e.g. a build of an older commit)
#   perf/fanout/run.sh conns 5000            # idle connections: RSS per connection and idle CPU, every target
#
# Needs: apt-get install -y ejabberd (for the ejabberd rows); Node.js 20; PostgreSQL server binaries for "pg" and
# "cluster" (one or two co-hosted front doors on a throwaway database, fsync on). Knobs: DUR WARM DRAIN WINDOW as in the harness, HARNESS= (copy of
# the harness, default /tmp/peers-fanout), PROFILE=<dotnet-trace> (CPU sample of CHAOS per point), COUNTERS=<dotnet-counters> (counters once a second per point),
# PG_OPTS= (more PostgreSQL settings, e.g. "-c log_checkpoints=on"), SKIP_BUILD=1, CHAOS_API_DLL= (another build, e.g. a baseline), OUT= (results folder, default perf/fanout/results), CHAOS_PROTOCOL=json|msgpack,
# LABEL= (a word put in every row's tag). CHAOS configuration comes from the environment, e.g. a pull-period experiment:
#   LABEL=pull1 Chaos__Streams__PullPeriodMilliseconds=1 TARGETS=chaos perf/fanout/run.sh "50 5 100"
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=../front-door.env
source "$(dirname "$0")/../front-door.env"   # the runtime environment of a deployed front door
harness="${HARNESS:-/tmp/peers-fanout}"
out="${OUT:-$repo/perf/fanout/results}"
targets="${TARGETS:-ejabberd chaos bare}"
work="$(mktemp -d /tmp/fanout-run.XXXXXX)"
pids=()
pgrun=()
cleanup() {
  local cp
  for cp in "${pids[@]:-}"; do [[ -n "$cp" ]] && kill "$cp" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n "${pgdata:-}" ]] && "${pgrun[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true
  # The servers' logs (errors, warnings) are kept next to the results: the last 2,000 lines of each.
  local log
  for log in "$work"/*.log; do [[ -f "$log" ]] && tail -n 2000 "$log" > "$out/$(basename "$log")" || true; done
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out"

if [[ ! -d "$harness" ]]; then
  src="$repo/../shared/bench/peers"; [[ -d "$src" ]] || src="/work/shared/bench/peers"
  cp -r "$src" "$harness"
fi
(cd "$harness" && [[ -d node_modules/@microsoft/signalr-protocol-msgpack ]] || npm install --no-audit --no-fund >/dev/null)
rm -rf /tmp/peers-bench/chaos   # token cache of an earlier server run would only cost re-logins

if [[ -z "${SKIP_BUILD:-}" ]]; then
echo "building Release ..." >&2
dotnet build "$repo/api" -c Release -v q -p:ChaosSkipWebBuild=true >/dev/null
dotnet build "$repo/perf/Chaos.BareHub" -c Release -v q >/dev/null
fi
api_dll="${CHAOS_API_DLL:-$repo/api/bin/Release/net10.0/Chaos.Api.dll}"   # CHAOS_API_DLL: another build (a baseline)
bare_dll="$repo/perf/Chaos.BareHub/bin/Release/net10.0/chaos-bare-hub.dll"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 1 600); do curl -sf "$1/health/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "not ready: $1" >&2; return 1; }
chaos_env=(Chaos__RateLimits__Enabled=false Chaos__Passwords__MemoryKiB=1024 Chaos__Passwords__Iterations=1
           Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production Logging__Console__FormatterName=simple "Logging__Console__FormatterOptions__TimestampFormat=HH:mm:ss.fff ")
log_point=""   # the point a server is started for: each point's servers log to their own files (kept in $out)

start_chaos() {   # start_chaos <name> [connection string] -> sets urls, server pids
  local kind="$1" cs="${2:-}" n=1; urls=""; spids=""
  [[ "$kind" == cluster ]] && n=2
  for i in $(seq 1 "$n"); do
    local port; port="$(free_port)"
    if [[ -n "$cs" ]]; then
      env "${chaos_env[@]}" ConnectionStrings__Chaos="$cs" Chaos__SiloPort="$(free_port)" Chaos__GatewayPort="$(free_port)" \
        dotnet "$api_dll" --urls "http://127.0.0.1:$port" >"$work/$kind$log_point-$i.log" 2>&1 &
    else
      env "${chaos_env[@]}" dotnet "$api_dll" --urls "http://127.0.0.1:$port" >"$work/$kind$log_point-$i.log" 2>&1 &
    fi
    pids+=("$!"); spids="${spids:+$spids,}$!"; urls="${urls:+$urls,}http://127.0.0.1:$port"
  done
  for u in ${urls//,/ }; do wait_ready "$u"; done
}
start_bare() {
  local port; port="$(free_port)"
  dotnet "$bare_dll" --urls "http://127.0.0.1:$port" >"$work/bare$log_point.log" 2>&1 &
  pids+=("$!"); spids="$!"; urls="http://127.0.0.1:$port"
  wait_ready "$urls"
}
# Loop variables are local: a global one here overwrote the caller's point ("50 5 100") with a pid, so the next target of
# that point ran the harness with one argument ("line 32: 2: senders").
stop_server() { local sp; for sp in ${spids//,/ }; do kill "$sp" 2>/dev/null || true; wait "$sp" 2>/dev/null || true; done; }

start_postgres() {
  pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  pgdata="$work/pg"; local port; port="$(free_port)"
  # initdb refuses to run as root: as root, the server runs as an unprivileged user (as the test fixture does).
  pgrun=()
  if [[ "$(id -u)" == 0 ]]; then
    id -u chaospg >/dev/null 2>&1 || useradd -M -s /bin/sh chaospg
    chmod 755 "$work"; mkdir -p "$pgdata"; chown chaospg "$pgdata"; touch "$work/pg.log"; chown chaospg "$work/pg.log"
    pgrun=(runuser -u chaospg --)
  fi
  "${pgrun[@]}" "$pgbin/initdb" -D "$pgdata" -U postgres -A trust >/dev/null
  "${pgrun[@]}" "$pgbin/pg_ctl" -D "$pgdata" -o "-p $port -k $pgdata -c listen_addresses=127.0.0.1 -c fsync=on ${PG_OPTS:-}" -l "$work/pg.log" -w start >/dev/null
  pg_cs="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
}

profile() {   # PROFILE=path/to/dotnet-trace: a 10 s CPU sample of each server process in the middle of the measured window
  [[ -n "${PROFILE:-}" ]] || return 0
  local pp n=0
  for pp in ${1//,/ }; do
    n=$((n + 1))
    (sleep $(( ${WARM:-5} + 30 )); "$PROFILE" collect -p "$pp" --profile dotnet-sampled-thread-time --duration 00:00:00:10 -o "$out/$2-$n.nettrace" >/dev/null 2>&1 \
       && "$PROFILE" report "$out/$2-$n.nettrace" topN -n 25 > "$out/$2-$n.top.txt" 2>&1) &
  done
}

counters() {   # COUNTERS=path/to/dotnet-counters: runtime and Orleans counters of each server process, once a second, for the point
  [[ -n "${COUNTERS:-}" ]] || return 0
  local pp n=0
  for pp in ${1//,/ }; do
    n=$((n + 1))
    (timeout $(( ${WARM:-5} + ${DUR:-20} + 10 )) "$COUNTERS" collect -p "$pp" --counters System.Runtime,Microsoft.Orleans \
       --refresh-interval 1 --format csv -o "$out/$2-$n.counters.csv" >/dev/null 2>&1) &
  done
}

observe() {   # observe <pids> <name>: the PROFILE and COUNTERS samples of one point, whichever are asked for
  profile "$1" "$2"; counters "$1" "$2"
}

declare -A point_runs=()
point() {   # point <target> <args...>
  local target="$1"; shift
  local pt; pt="$(echo "$*" | tr ' ' '-')"
  # A point repeated in one run ("50 5 500" "50 5 500") gets its own logs and counters: -r2, -r3, ...
  local seen=$(( ${point_runs["$target $pt"]:-0} + 1 )); point_runs["$target $pt"]=$seen
  [[ $seen -gt 1 ]] && pt="$pt-r$seen"
  log_point="-$pt"
  local load; load="$(cut -d' ' -f1-3 /proc/loadavg)"
  case "$target" in
    ejabberd) (cd "$harness" && TAG="${LABEL:+$LABEL }load $load" RESULTS_DIR="$out" ./run.sh ejabberd "$@") ;;
    chaos)    start_chaos standalone; observe "$spids" "chaos-$pt"; (cd "$harness" && TAG="${LABEL:+$LABEL }load $load" RESULTS_DIR="$out" CHAOS_URLS="$urls" CHAOS_PIDS="$spids" ./run.sh chaos "$@"); stop_server ;;
    baseline) [[ -f "${BASELINE_DLL:-}" ]] || { echo "baseline skipped: BASELINE_DLL (Chaos.Api.dll of another build) not found" >&2; return 0; }
              local keep="$api_dll"; api_dll="$BASELINE_DLL"; start_chaos standalone; api_dll="$keep"
              (cd "$harness" && TAG="baseline ${LABEL:+$LABEL }load $load" RESULTS_DIR="$out" CHAOS_URLS="$urls" CHAOS_PIDS="$spids" ./run.sh chaos "$@"); stop_server ;;
    pg)       [[ -n "${pg_cs:-}" ]] || start_postgres   # one front door on the same PostgreSQL: durability without the second silo
              start_chaos pg "$pg_cs"; observe "$spids" "pg-$pt"; (cd "$harness" && TAG="pg ${LABEL:+$LABEL }load $load" RESULTS_DIR="$out" CHAOS_URLS="$urls" CHAOS_PIDS="$spids" ./run.sh chaos "$@"); stop_server ;;
    cluster)  [[ -n "${pg_cs:-}" ]] || start_postgres
              start_chaos cluster "$pg_cs"; observe "$spids" "cluster-$pt"; (cd "$harness" && TAG="cluster ${LABEL:+$LABEL }load $load" RESULTS_DIR="$out" CHAOS_URLS="$urls" CHAOS_PIDS="$spids" ./run.sh chaos "$@"); stop_server ;;
    bare)     start_bare; (cd "$harness" && TAG="bare-signalr ${LABEL:+$LABEL }load $load" RESULTS_DIR="$out" CHAOS_URLS="$urls" CHAOS_PIDS="$spids" ./run.sh chaos "$@"); stop_server ;;
  esac
  echo "[$target $*] load before: $load, after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/loads.log"
}

if [[ "${1:-}" == conns ]]; then
  for t in $targets; do point "$t" conns "${2:-5000}"; done
else
  [[ $# -gt 0 ]] || set -- "50 5 100" "50 5 500" "200 5 max"
  for spec in "$@"; do
    read -r -a point_args <<<"$spec"
    for t in $targets; do point "$t" "${point_args[@]}"; done
  done
fi
(cd "$harness" && node scripts/table.js "$out/fanout.jsonl" "$out/conns.jsonl" 2>/dev/null) || true
