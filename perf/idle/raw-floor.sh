#!/usr/bin/env bash
# The floor under the SignalR floor (docs/benchmarks.md): N idle plain WebSockets on the bare hub's /raw endpoint
# (Kestrel, no SignalR; perf/Chaos.BareHub/RawSockets.cs), each kept alive as a SignalR connection is (a ping each way
# every 15 s). Prints the server's RSS per connection and its CPU over 30 s of the hold, as the harness's `conns` does
# for CHAOS and the SignalR floor (perf/fanout/run.sh conns 5000).
#
#   perf/idle/raw-floor.sh [N=5000]        HOLD=60 (seconds the connections are held), SKIP_BUILD=1,
#                                          KEEPALIVE=15 (seconds between the server's pings; 0 = none),
#                                          CLIENT_PING=$KEEPALIVE (seconds between each client's pings; 0 = none)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=../front-door.env
source "$repo/perf/front-door.env"   # the same runtime environment as every other row
n="${1:-5000}"; hold="${HOLD:-60}"; keepalive="${KEEPALIVE:-15}"; client_ping="${CLIENT_PING:-$keepalive}"
(( hold >= 50 )) || { echo "HOLD must be at least 50 s (10 s to settle, 30 s measured)" >&2; exit 1; }
harness="${HARNESS:-/tmp/peers-fanout}"
[[ -d "$harness" ]] || cp -r "$repo/../shared/bench/peers" "$harness"
(cd "$harness" && [[ -d node_modules/ws ]] || npm install --no-audit --no-fund >/dev/null)
[[ -n "${SKIP_BUILD:-}" ]] || dotnet build "$repo/perf/Chaos.BareHub" -c Release -v q >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dotnet "$repo/perf/Chaos.BareHub/bin/Release/net10.0/chaos-bare-hub.dll" --urls "http://127.0.0.1:$port" --Raw:KeepAliveSeconds="$keepalive" > /tmp/raw-floor-server.log 2>&1 &
spid=$!
trap 'kill "$spid" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
sleep 3
rss() { awk '/VmRSS/ {print $2}' "/proc/$spid/status"; }
ticks() { awk '{print $14+$15}' "/proc/$spid/stat"; }
rss0=$(rss)
out=$(mktemp)
HARNESS="$harness" node "$repo/perf/idle/raw-conns.mjs" "ws://127.0.0.1:$port/raw" "$n" "$hold" "$client_ping" > "$out" 2> "$out.err" &
drv=$!
until grep -q connected "$out.err" 2>/dev/null; do sleep 1; kill -0 "$drv" 2>/dev/null || { cat "$out.err"; exit 1; }; done
sleep 10
t0=$(ticks); sleep 30; t1=$(ticks)
rss1=$(rss); held=$(curl -sf "http://127.0.0.1:$port/raw-count")
wait "$drv"
hz=$(getconf CLK_TCK)
printf '{"target":"raw-websockets","keepAliveS":%s,"n":%s,"heldOnServer":%s,"driver":%s,"serverRssMiB":{"beforeConnections":%.1f,"heldAll":%.1f},"serverKiBPerConn":%.1f,"idleCpuPct":%.2f,"load":"%s","date":"%s"}\n' \
  "$keepalive" "$n" "$held" "$(cat "$out")" "$(echo "$rss0/1024" | bc -l)" "$(echo "$rss1/1024" | bc -l)" "$(echo "($rss1-$rss0)/$held" | bc -l)" \
  "$(echo "100*($t1-$t0)/$hz/30" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(date -u +%FT%TZ)"
cat "$out.err" >&2
rm -f "$out" "$out.err"
