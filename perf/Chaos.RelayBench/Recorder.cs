using System.Diagnostics;

namespace Chaos.RelayBench;

/// <summary>
/// Arrivals of one measured window, per point: the first arrival's latency per sequence number, and how many times
/// each arrived (so losses and duplicates are counted, not assumed away). Shared by both silos of the process.
/// </summary>
public sealed class Recorder
{
    private readonly object gate = new();
    private RecorderWindow? window;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> activations = new();
    private long stray;

    /// <summary>Every subscriber activation as "type key@silo", to show where they ran and that no second one appeared.</summary>
    public IReadOnlyCollection<string> Activations => activations;

    public void Activated(string grainType, string key, string silo) => activations.Enqueue($"{grainType} {key}@{silo}");

    /// <summary>Arrivals outside any open window (late stragglers of an earlier point).</summary>
    public long Stray => Interlocked.Read(ref stray);

    /// <summary>Starts recording events <paramref name="firstSeq"/> … +<paramref name="count"/>−1.</summary>
    public RecorderWindow Open(long firstSeq, int count)
    {
        lock (gate)
        {
            window = new RecorderWindow(firstSeq, count);
            return window;
        }
    }

    /// <summary>Stops recording and returns what arrived.</summary>
    public RecorderWindow Close()
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
}
