"""Per-minute RSS and managed heap of a hostile run's server, and their slope over the last two minutes of the load.

  python3 perf/hostile-memory.py <run.json>...      (perf/hostile-memory.sh writes them)
"""
import json
import statistics
import sys


def slope_per_minute(xs, ys):
    mx, my = statistics.mean(xs), statistics.mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs) * 60


for path in sys.argv[1:]:
    doc = json.load(open(path))
    server, metrics = doc['series']['server'], doc['metrics']
    t, rss, heap = server['t'], server['rssMiB'], server['heapAfterLastGcMiB']
    print(f"{path}: sent {metrics['sent']}, lost {metrics['lost']}, duplicated {metrics['duplicated']}, out of order "
          f"{metrics['outOfOrder']}, slow consumers closed {metrics.get('slowConsumersClosed')}, RSS before "
          f"{metrics['serverRssBeforeMiB']} MiB")
    ended = server['marks'].get('load ended', max(t))
    for start in range(0, int(max(t)), 60):
        window = [i for i, x in enumerate(t) if start <= x < start + 60]
        if not window:
            continue
        r = [rss[i] for i in window]
        h = [heap[i] for i in window if heap[i] is not None]
        print(f"  {start:4d}-{start + 60:4d} s  RSS median {statistics.median(r):6.1f} max {max(r):6.1f} MiB"
              f"   heap after GC median {statistics.median(h) if h else 0:6.1f} min {min(h) if h else 0:6.1f} MiB")
    last = [i for i, x in enumerate(t) if ended - 120 <= x <= ended and heap[i] is not None]
    xs = [t[i] for i in last]
    print(f"  last two minutes of the load: RSS {slope_per_minute(xs, [rss[i] for i in last]):+.1f} MiB/min, heap "
          f"{slope_per_minute(xs, [heap[i] for i in last]):+.1f} MiB/min")
