"""What the JIT compiled in a process, by tier and by namespace: reads the list the runtime writes with
DOTNET_JitDisasmSummary=1 DOTNET_JitStdOutFile=<file> (docs/benchmarks.md, "Where a flat-out front door's memory is").

  python3 perf/idle/jit-summary.py <file> [rows]
"""
import collections
import re
import sys

LINE = re.compile(r'\s*\d+: JIT compiled (.*) \[(.*?), IL size=(\d+), code size=(\d+)')


def main():
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    by_tier, tier_count = collections.Counter(), collections.Counter()
    by_space, space_count = collections.Counter(), collections.Counter()
    for line in open(sys.argv[1], encoding='utf-8', errors='replace'):
        match = LINE.match(line)
        if not match:
            continue
        name, tier, size = match.group(1), match.group(2), int(match.group(4))
        owner = name.split(':')[0]
        space = 'dynamic methods and stubs' if 'dynamicClass' in name or 'IL_STUB' in name else '.'.join(owner.split('.')[:2])
        by_tier[tier] += size
        tier_count[tier] += 1
        by_space[space] += size
        space_count[space] += 1
    total = sum(by_tier.values())
    print(f'{sum(tier_count.values())} methods compiled, {total / 2**20:.2f} MiB of code')
    print('by tier:')
    for tier, size in by_tier.most_common():
        print(f'  {size / 2**20:7.2f} MiB {tier_count[tier]:7d}  {tier}')
    print('by namespace:')
    for space, size in by_space.most_common(rows):
        print(f'  {size / 2**20:7.2f} MiB {space_count[space]:7d}  {space}')


if __name__ == '__main__':
    main()
