"""Where in a fan-out point the slow deliveries were (docs/benchmarks.md, "The young generation capped"): reads the
per-10 ms bins that a harness copy patched with perf/fanout/tail-bins.patch writes (/tmp/tailbins-<pid>.jsonl, one line
per driver process per point: deliveries sent in each 10 ms of the window, how many took > 8 ms, the slowest) and
prints, per group of G bins, "<second>: <share over 8 ms>/<slowest ms>".

  cp -r /tmp/peers-fanout /tmp/peers-tail && (cd /tmp/peers-tail && patch -p1 < <repo>/perf/fanout/tail-bins.patch)
  HARNESS=/tmp/peers-tail TARGETS=cluster perf/fanout/run.sh "50 5 500"
  python3 perf/fanout/tail-timeline.py 20 /tmp/tailbins-*.jsonl
"""
import json,sys,collections
runs=collections.defaultdict(lambda: collections.defaultdict(lambda:[0,0,0]))
for f in sys.argv[2:]:
    for line in open(f):
        d=json.loads(line)
        for b,(n,t,m) in d['bins']:
            e=runs[d['runId']][b//int(sys.argv[1])]; e[0]+=n; e[1]+=t; e[2]=max(e[2],m)
for rid,bins in runs.items():
    print(rid)
    line=[]
    for b in sorted(bins):
        n,t,m=bins[b]; line.append(f"{b*int(sys.argv[1])/100:.1f}:{t*100//max(n,1):>3}%/{m/1000:>4.0f}")
    for i in range(0,len(line),8): print('  '.join(line[i:i+8]))
