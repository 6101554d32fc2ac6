namespace Chaos.RelayBench;

/// <summary>Arrivals at one point: count per event and the first arrival's latencies in timestamp ticks.</summary>
public sealed class PointArrivals(int count)
{
    public int[] Arrivals { get; } = new int[count];

    /// <summary>Arrival − publisher's stamp.</summary>
    public long[] FromPublish { get; } = new long[count];

    /// <summary>Arrival − driver's stamp (includes any wait in the publisher's queue).</summary>
    public long[] FromDriver { get; } = new long[count];

    internal void Record(int index, BenchEvent item, long now)
    {
        if (Interlocked.Increment(ref Arrivals[index]) == 1)
        {
            FromPublish[index] = now - item.SentTimestamp;
            FromDriver[index] = now - item.DriverTimestamp;
        }
    }
}
