"""Inclusive share of a dotnet-trace thread-time sample's busy time per method (perf/fanout/run.sh PROFILE=…, then
`dotnet-trace convert --format speedscope`): every method on a busy stack is charged once for that stack's time.

  python3 perf/idle/inclusive.py <speedscope.json> [regex on method names] [rows=60]
"""
import collections
import json
import re
import sys

from cpu import stacks_of   # the same stack reconstruction as the category table


def main():
    doc = json.load(open(sys.argv[1]))
    pattern = re.compile(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] else None
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    frames = [f['name'] for f in doc['shared']['frames']]
    inclusive, busy = collections.Counter(), 0.0
    for stack, ms in stacks_of(doc).items():
        names = [re.sub(r'\(.*', '', frames[i]) for i in stack]
        if not names or names[-1] != 'CPU_TIME':
            continue
        busy += ms
        for name in set(names):
            inclusive[name] += ms
    print(f'busy thread time {busy:.0f} ms')
    shown = 0
    for name, ms in inclusive.most_common():
        if pattern is not None and not pattern.search(name):
            continue
        print(f'{100 * ms / busy:5.1f} %  {name[:170]}')
        shown += 1
        if shown >= rows:
            break


if __name__ == '__main__':
    main()
