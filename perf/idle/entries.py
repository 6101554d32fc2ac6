"""Which callbacks an idle process's busy samples run: a dotnet-trace thread-time sample (speedscope) summed by the
first frame of our code or a library's below the runtime's dispatch frames (timer queue, thread-pool loop, task and
async machinery), so a timer or work item is named by what it runs (docs/benchmarks.md, "An idle silo on PostgreSQL").

  python3 perf/idle/entries.py <speedscope.json> <seconds traced> [rows]
"""
import collections
import json
import re
import sys

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from cpu import stacks_of  # noqa: E402

# Frames that only dispatch: skipped when looking for what a stack runs.
PLUMBING = re.compile(
    r'^(System\.Private\.CoreLib!)?System\.(Threading\.(TimerQueue|ExecutionContext|ThreadPoolWorkQueue|PortableThreadPool|'
    r'Thread\.|WorkerThread|Tasks\.(Task|AwaitTaskContinuation|ContinuationTaskFromTask|TaskSchedulerAwaitTaskContinuation|'
    r'ThreadPoolTaskScheduler|SynchronizationContextAwaitTaskContinuation|ValueTask)|TimerQueueTimer|LowLevel)|'
    r'Runtime\.CompilerServices\.(AsyncMethodBuilderCore|AsyncTaskMethodBuilder|AsyncValueTaskMethodBuilder|PoolingAsyncValueTaskMethodBuilder|'
    r'YieldAwaitable|TaskAwaiter|ConfiguredTaskAwaitable|ValueTaskAwaiter)|'
    r'Threading\.Tasks\.Sources)|^Process\d* |^\(Non-Activities\)|^Thread \(|^Threads|^UNMANAGED_CODE_TIME|^CPU_TIME|^System\.Private\.CoreLib!System\.Threading')


def main():
    doc = json.load(open(sys.argv[1]))
    seconds = float(sys.argv[2])
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    frames = [f['name'] for f in doc['shared']['frames']]
    by_entry, busy = collections.Counter(), 0.0
    for stack, ms in stacks_of(doc).items():
        names = [frames[i] for i in stack]
        if names[-1] != 'CPU_TIME':
            continue
        busy += ms
        entry = next((n for n in names if not PLUMBING.search(n)), 'runtime dispatch only: ' + (names[-2] if len(names) > 1 else '?'))
        by_entry[entry.split('(')[0][:150]] += ms
    print(f'busy: {busy:.0f} ms in {seconds:.0f} s = {100 * busy / seconds / 1000:.2f} % of a core')
    for entry, ms in by_entry.most_common(rows):
        print(f'{ms:8.1f} ms {100 * ms / busy:5.1f} %  {entry}')


if __name__ == '__main__':
    main()
