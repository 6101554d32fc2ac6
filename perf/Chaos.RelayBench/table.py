#!/usr/bin/env python3
"""Summarises chaos-relay-bench's JSON lines (results.jsonl) as the table in docs/benchmarks.md: one row per
path, arrival point and rate; the rounds' values side by side. Usage: table.py results.jsonl"""
import json
import sys
from collections import OrderedDict

rows = OrderedDict()
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows.setdefault((r["path"], r["point"], r["rate"]), []).append(r)


def f(v, fmt):
    return "—" if isinstance(v, str) or v != v else format(v, fmt)


print("| path | arrival | rate/s | delivered of sent | dup | p50 ms | p99 ms | max ms | CPU % of a core | net msgs/event |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (path, point, rate), rs in sorted(rows.items(), key=lambda kv: (kv[0][2], list(rows).index(kv[0]))):
    def col(key, fmt):
        return " · ".join(f(r.get(key, float("nan")), fmt) for r in rs)
    delivered = " · ".join(f"{r['delivered']:,}" for r in rs)
    print(f"| {path} | {point} | {rate:,} | {delivered} of {rs[0]['sent']:,} | {sum(r['duplicates'] for r in rs)} | "
          f"{col('p50_ms', '.3f')} | {col('p99_ms', '.2f')} | {col('max_ms', '.1f')} | {col('cpu_pct_of_core', '.1f')} | "
          f"{col('network_messages_per_event', '.2f')} |")
