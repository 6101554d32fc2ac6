"""Where a dotnet-trace thread-time sample's CPU went, by category (perf/idle/profile.sh).

  python3 perf/idle/cpu.py <speedscope.json> <seconds traced> [-v]

Only samples whose leaf is CPU_TIME count (the sampler marks a blocked thread UNMANAGED_CODE_TIME). Each busy stack goes
to the first category below that any of its frames matches, so the order matters: specific before general.
"""
import collections
import json
import re
import sys

CATEGORIES = [
    ('Orleans stream pulling agents (PumpQueue/ReadFromQueue)', r'PersistentStreamPullingAgent'),
    ('presence lease renewals (PresenceTracker)', r'PresenceTracker'),
    ('presence grain (timer, calls)', r'PresenceGrain'),
    ('SignalR heartbeat scan (keep-alive, client timeout)', r'HttpConnectionManager|HttpConnectionContext\.TickHeartbeat|HubConnectionContext'),
    ('Kestrel heartbeat (connection walk)', r'Kestrel\.Core\.Internal\.Infrastructure\.Heartbeat'),
    ('socket and WebSocket I/O (pings both ways)', r'Kestrel\.Transport\.Sockets|SocketAsyncEngine|WebSocketsServerTransport|ManagedWebSocket'),
    ('Orleans messaging and activations (other)', r'Orleans\.'),
    ('.NET timer thread (timer queue)', r'TimerQueue'),
    ('thread-pool workers spinning/parking', r'LowLevelLifoSemaphore|WorkerThread\.MaybeAddWorkingWorker|Semaphore\.ReleaseCore'),
    ('GC suspension poll', r'PollGC'),
    ('tiered JIT', r'TieredCompilation|CallCounting'),
    ('diagnostics (the trace itself)', r'Diagnostics\.Tracing|EventPipe|CounterGroup'),
]


def stacks_of(doc):
    found = collections.Counter()
    for profile in doc['profiles']:
        stack, last = [], None
        for event in profile['events']:
            at = event['at']
            if last is not None and stack and at > last:
                found[tuple(stack)] += at - last
            last = at
            if event['type'] == 'O':
                stack.append(event['frame'])
            else:
                while stack and stack[-1] != event['frame']:
                    stack.pop()
                if stack:
                    stack.pop()
    return found


def main():
    doc = json.load(open(sys.argv[1]))
    seconds = float(sys.argv[2])
    frames = [f['name'] for f in doc['shared']['frames']]
    compiled = [(name, re.compile(pattern)) for name, pattern in CATEGORIES]
    by_category, other, busy = collections.Counter(), collections.Counter(), 0.0
    for stack, ms in stacks_of(doc).items():
        names = [frames[i] for i in stack]
        if names[-1] != 'CPU_TIME':
            continue
        busy += ms
        for name, pattern in compiled:
            if any(pattern.search(n) for n in names):
                by_category[name] += ms
                break
        else:
            by_category['thread-pool worker loop between items (wake-ups)'] += ms
            other[' < '.join(n.split('!')[-1][:60] for n in names[-4:-1])] += ms
    print(f'busy thread time {busy:.0f} ms in {seconds:.0f} s = {100 * busy / seconds / 1000:.1f} % of one core')
    for name, ms in by_category.most_common():
        print(f'{100 * ms / busy:5.1f} % of busy  {100 * ms / seconds / 1000:5.1f} % of a core  {name}')
    if '-v' in sys.argv:
        for key, ms in other.most_common(15):
            print(f'   {ms:6.0f} ms  {key}')


if __name__ == '__main__':
    main()
