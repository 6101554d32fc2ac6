"""The machine's CPU every 100 ms, by kind of process (docs/benchmarks.md, "The young generation capped"): one JSON line
per sample with /proc/stat's cpu line (user nice system idle iowait irq softirq steal …, in ticks) and the CPU ticks
of every process summed by name: dotnet, postgres, node, other. Start it next to a fan-out point, then line it up with
the harness's slow deliveries with perf/fanout/tail-vs-cpu.py.

  python3 perf/fanout/cpu-sampler.py /tmp/samp-c1.jsonl 110 &   # 110 s of samples
"""
import time,os,sys,json
# samples every 100 ms: /proc/stat cpu line, and per-command-group CPU ticks (dotnet, postgres, node, other)
out=open(sys.argv[1],'w'); dur=float(sys.argv[2])
end=time.time()+dur
def groups():
    g={'dotnet':0,'postgres':0,'node':0,'other':0}
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            s=open(f'/proc/{p}/stat').read(); r=s.rsplit(')',1)[1].split(); comm=s[s.index('(')+1:s.rindex(')')]
            t=int(r[11])+int(r[12])
        except Exception: continue
        k='dotnet' if comm.startswith('dotnet') or comm.startswith('.NET') else 'postgres' if comm.startswith('postgres') else 'node' if comm.startswith('node') else 'other'
        g[k]+=t
    return g
while time.time()<end:
    c=open('/proc/stat').readline().split()[1:]
    out.write(json.dumps({'t':time.time(),'cpu':[int(x) for x in c],'g':groups()})+'\n')
    time.sleep(0.1)
