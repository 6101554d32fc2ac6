using System.Diagnostics;

namespace Chaos.RelayBench;

/// <summary>
/// Arrivals of one measured window, per point: the first arrival's latency per sequence number, and how many times
/// each arrived (so losses and duplicates are counted, not assumed away). Shared by both silos of the process.
/// </summary>
public sealed class Recorder
{
    private readonly object gate = new();
    private Window? window;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> activations = new();
    private long stray;

    /// <summary>Every subscriber activation as "type key@silo", to show where they ran and that no second one appeared.</summary>
    public IReadOnlyCollection<string> Activations => activations;

    public void Activated(string grainType, string key, string silo) => activations.Enqueue($"{grainType} {key}@{silo}");

    /// <summary>Arrivals outside any open window (late stragglers of an earlier point).</summary>
    public long Stray => Interlocked.Read(ref stray);

    /// <summary>Starts recording events <paramref name="firstSeq"/> … +<paramref name="count"/>−1.</summary>
    public Window Open(long firstSeq, int count)
    {
        lock (gate)
        {
            window = new Window(firstSeq, count);
            return window;
        }
    }

    /// <summary>Stops recording and returns what arrived.</summary>
    public Window Close()
    {
        lock (gate)
        {
            var closed = window ?? throw new InvalidOperationException("No window is open.");
            window = null;
            return closed;
        }
    }

    public void Arrive(ArrivalPoint point, BenchEvent item)
    {
        var now = Stopwatch.GetTimestamp();
        var current = Volatile.Read(ref window);
        if (current is null || !current.Record(point, item, now))
        {
            Interlocked.Increment(ref stray);
        }
    }

    /// <summary>The arrivals of one window.</summary>
    public sealed class Window
    {
        private readonly PointArrivals[] points;

        public Window(long firstSeq, int count)
        {
            FirstSeq = firstSeq;
            Count = count;
            points = [new PointArrivals(count), new PointArrivals(count)];
        }

        public long FirstSeq { get; }

        public int Count { get; }

        public PointArrivals this[ArrivalPoint point] => points[(int)point];

        internal bool Record(ArrivalPoint point, BenchEvent item, long now)
        {
            var index = item.Seq - FirstSeq;
            if (index < 0 || index >= Count)
            {
                return false;
            }

            points[(int)point].Record((int)index, item, now);
            return true;
        }
    }

    /// <summary>Arrivals at one point: count per event and the first arrival's latencies in timestamp ticks.</summary>
    public sealed class PointArrivals(int count)
    {
        public int[] Arrivals { get; } = new int[count];

        /// <summary>Arrival − publisher's stamp.</summary>
        public long[] FromPublish { get; } = new long[count];

        /// <summary>Arrival − driver's stamp (includes any wait in the publisher's queue).</summary>
        public long[] FromDriver { get; } = new long[count];

        public bool Used => Volatile.Read(ref used) != 0;

        private int used;

        internal void Record(int index, BenchEvent item, long now)
        {
            Volatile.Write(ref used, 1);
            if (Interlocked.Increment(ref Arrivals[index]) == 1)
            {
                FromPublish[index] = now - item.SentTimestamp;
                FromDriver[index] = now - item.DriverTimestamp;
            }
        }
    }
}
