#!/usr/bin/env bash
# Every path of chaos-relay-bench, ROUNDS times in sequence, each run under the shared benchmark lock
# (flock /tmp/chaos-bench.lock), uptime before and after each (docs/benchmarks.md, "Orleans BroadcastChannel against
# the push relay"). Usage: [FIRST_ROUND=1] perf/Chaos.RelayBench/run.sh OUT_DIR [ROUNDS=2] [RATES=1000,5000] [SECONDS=10]
set -euo pipefail
out=${1:?output directory}
rounds=${2:-2}
rates=${3:-1000,5000}
seconds=${4:-10}
here=$(cd "$(dirname "$0")" && pwd)
dll="$here/bin/Release/net10.0/chaos-relay-bench.dll"
[ -f "$dll" ] || { echo "build first: dotnet build perf/Chaos.RelayBench -c Release" >&2; exit 1; }
mkdir -p "$out"
paths=(
  "none|--path none"
  "observer|--path observer"
  "bcast-b|--path bcast --subscriber-silo b"
  "bcast-b-relay|--path bcast --subscriber-silo b --relay"
  "bcast-a-relay|--path bcast --subscriber-silo a --relay"
  "stream10-b-relay|--path stream --pull-ms 10 --subscriber-silo b --relay"
  "stream1-b-relay|--path stream --pull-ms 1 --subscriber-silo b --relay"
)
first=${FIRST_ROUND:-1}
for round in $(seq "$first" $((first + rounds - 1))); do
  for entry in "${paths[@]}"; do
    name=${entry%%|*}
    args=${entry#*|}
    log="$out/$name-r$round.txt"
    # shellcheck disable=SC2086
    flock /tmp/chaos-bench.lock bash -c "
      echo \"# \$(date -u +%FT%TZ) uptime before: \$(uptime)\"
      echo \"# dotnet $dll $args --rates $rates --seconds $seconds --label $name-r$round --out $out/results.jsonl\"
      dotnet '$dll' $args --rates $rates --seconds $seconds --label $name-r$round --out '$out/results.jsonl' 2>&1
      echo \"# \$(date -u +%FT%TZ) uptime after: \$(uptime)\"
    " > "$log"
    grep -E '^\| [a-z]|^# ' "$log" | grep -v '^# dotnet' || true
  done
done
