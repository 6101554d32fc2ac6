#!/usr/bin/env python3
"""Markdown table of perf/fanout/run.sh results: one row per harness line (docs/benchmarks.md#fan-out-against-ejabberd)."""
import json
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "perf/fanout/results/fanout.jsonl"
print("| time (UTC) | server | M×S, rate | deliveries/s | p50 / p99 ms | ack p50 ms | lost | dup | reordered | seq gaps | server CPU % | server RSS MiB | load (1/5/15 min) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for line in open(path, encoding="utf-8"):
    d = json.loads(line)
    tag = d.get("tag") or ""
    server = d["target"] if d["target"] != "chaos" else ("bare SignalR hub" if tag.startswith("bare") else "CHAOS baseline (79ab8b8)" if tag.startswith("baseline") else "CHAOS 2-process" if tag.startswith("cluster") else "CHAOS")
    rate = "max" if d["mode"] == "max" else f'{d["rateTarget"]}/s'
    lat = d.get("latencyMs") or {}
    ack = (d.get("sendAckLatencyMs") or {}).get("p50")
    stats = d.get("adapterStats") or {}
    cpu = d.get("cpuPct", {}).get("server")
    rss = d.get("rssMiBAtEnd", {}).get("server")
    load = tag.split("load ")[-1] if "load " in tag else ""
    label = tag.split("load ")[0].split()
    label = [w for w in label if w not in ("bare-signalr", "baseline", "cluster")]
    if label:  # LABEL= of run.sh, e.g. a stream setting being measured
        server += f' ({" ".join(label)})'
    print(f'| {d["date"][11:19]} | {server} | {d["members"]}×{d["senders"]}, {rate} | {d.get("deliveredPerSecInWindow")} | '
          f'{lat.get("p50", "-")} / {lat.get("p99", "-")} | {ack if ack is not None else "-"} | {d.get("lost")} | {d.get("duplicates")} | '
          f'{d.get("outOfOrder")} | {stats.get("seqGaps", "-")} | {cpu} | {rss} | {load} |')
