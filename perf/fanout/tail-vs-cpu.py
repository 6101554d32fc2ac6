"""Slow deliveries next to the machine's CPU, per 200 ms of a fan-out point's window (docs/benchmarks.md, "The young
generation capped"): reads the tail bins of a harness patched with perf/fanout/tail-bins.patch (copied into
<probe dir>/bins/) and the samples of perf/fanout/cpu-sampler.py, and prints per 200 ms the share of deliveries over
8 ms, the slowest, the machine's user/system/idle/iowait/steal ticks and the ticks of dotnet, postgres, node and the rest.

  python3 perf/fanout/tail-vs-cpu.py <probe dir with bins/> <samples.jsonl>
"""
import bisect,collections,glob,json,sys
probe, samples = sys.argv[1], sys.argv[2]
bins=collections.defaultdict(lambda:[0,0,0]); win=None
for f in glob.glob(f'{probe}/bins/*.jsonl'):
    d=json.loads(open(f).readline()); win=d['winWallMs']/1000
    for b,(n,t,m) in d['bins']:
        e=bins[b//20]; e[0]+=n; e[1]+=t; e[2]=max(e[2],m)
S=[json.loads(l) for l in open(samples)]
T=[s['t'] for s in S]
def at(t):   # the last sample taken at or before t
    i=bisect.bisect_right(T,t)
    return S[i-1] if i else None
print('sec  slow%  maxms | user sys idle iowait steal (ticks/200ms, 2 cores=40) | dotnet pg node other')
for b in sorted(bins):
    t0=win+b*0.2; t1=t0+0.2
    a=at(t0); c=at(t1)
    if not a or not c or a is c: continue
    dc=[y-x for x,y in zip(a['cpu'],c['cpu'])]  # user nice system idle iowait irq softirq steal
    dg={k:c['g'][k]-a['g'][k] for k in a['g']}
    n,tl,m=bins[b]
    print(f"{b*0.2:5.1f} {tl*100//max(n,1):4}% {m/1000:6.0f} | u{dc[0]:3} s{dc[2]:3} i{dc[3]:3} w{dc[4]:2} st{dc[7]:3} | {dg['dotnet']:3} {dg['postgres']:3} {dg['node']:3} {dg['other']:3}")
