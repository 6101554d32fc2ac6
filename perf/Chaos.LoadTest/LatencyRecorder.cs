namespace Chaos.LoadTest;

/// <summary>Latency samples in milliseconds, recorded from many threads, summarised as percentiles.</summary>
internal sealed class LatencyRecorder
{
    private readonly Lock sync = new();
    private readonly List<double> samples = new(1 << 16);

    public int Count
    {
        get
        {
            lock (sync)
            {
                return samples.Count;
            }
        }
    }

    public void Add(double milliseconds)
    {
        lock (sync)
        {
            samples.Add(milliseconds);
        }
    }

    public void AddRange(IEnumerable<double> values)
    {
        lock (sync)
        {
            samples.AddRange(values);
        }
    }

    public Dictionary<string, double> Summary()
    {
        double[] sorted;
        lock (sync)
        {
            sorted = [.. samples];
        }

        Array.Sort(sorted);
        // No samples: 0, not NaN (JSON has no NaN, and the result file must still be written).
        double At(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1 < 0 ? 0 : (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Dictionary<string, double>
        {
            ["samples"] = sorted.Length,
            ["p50Ms"] = Math.Round(At(0.50), 2),
            ["p95Ms"] = Math.Round(At(0.95), 2),
            ["p99Ms"] = Math.Round(At(0.99), 2),
            ["p999Ms"] = Math.Round(At(0.999), 2),
            ["maxMs"] = sorted.Length == 0 ? double.NaN : Math.Round(sorted[^1], 2),
        };
    }
}
