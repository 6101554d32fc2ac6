"""What one durable commit costs the disk: N times an 8 KiB write and fdatasync (what PostgreSQL does to its WAL at every
commit with fsync on), with the latency percentiles. Run it on the file system the benchmark's PostgreSQL uses
(perf/fanout/run.sh puts its throwaway data folder under /tmp). docs/benchmarks.md, "The floor tuned like CHAOS".

  python3 perf/fanout/fsync-latency.py [N=3000] [folder=/tmp]
"""
import os
import sys
import time


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    folder = sys.argv[2] if len(sys.argv) > 2 else '/tmp'
    path = os.path.join(folder, f'fsync-probe-{os.getpid()}.bin')
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.ftruncate(fd, 16 * 1024 * 1024)
        block = os.urandom(8192)
        latencies = []
        for i in range(n):
            os.pwrite(fd, block, (i % 2048) * 8192)
            started = time.perf_counter()
            os.fdatasync(fd)
            latencies.append((time.perf_counter() - started) * 1000)
    finally:
        os.close(fd)
        os.unlink(path)
    latencies.sort()

    def at(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    print(f'{n} x (8 KiB write + fdatasync) in {folder}: p50 {at(.5):.2f} ms, p90 {at(.9):.2f}, p99 {at(.99):.2f}, '
          f'p99.9 {at(.999):.2f}, max {latencies[-1]:.2f}')


if __name__ == '__main__':
    main()
