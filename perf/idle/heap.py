"""Bytes per connection by type: a `dotnet-gcdump report` taken while N connections were held, minus one taken after they
closed (perf/idle/profile.sh). Grains that outlive their connections (Presence, stream pub-sub) are not in the difference.

  python3 perf/idle/heap.py <held heap.txt> <closed heap.txt> <N> [rows]
"""
import collections
import re
import sys


def load(path):
    types = collections.defaultdict(lambda: [0, 0])
    for line in open(path):
        match = re.match(r'\s*([\d,]+)\s+([\d,]+)\s+(.*)$', line)
        if not match:
            continue
        size, count = int(match.group(1).replace(',', '')), int(match.group(2).replace(',', ''))
        name = re.sub(r'\s*\(Bytes > [^)]*\)', '', match.group(3))
        name = re.sub(r'\s+\[[^\]]*\]$', '', name)
        types[name][0] += size * count   # the report gives each row's average size and its count
        types[name][1] += count
    return types


def main():
    held, closed, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    diff = [(held.get(k, [0, 0])[0] - closed.get(k, [0, 0])[0], held.get(k, [0, 0])[1] - closed.get(k, [0, 0])[1], k)
            for k in set(held) | set(closed)]
    total = sum(d[0] for d in diff)
    print(f'held - closed: {total / 1e6:.1f} MB = {total / n / 1024:.1f} KiB per connection')
    for size, count, name in sorted(diff, key=lambda d: -d[0])[:rows]:
        print(f'{size / n:7.0f} B/conn {100 * size / total:5.1f} % {count / n:6.2f}/conn  {name[:130]}')


main()
