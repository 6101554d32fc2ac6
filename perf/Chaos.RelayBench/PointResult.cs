using System.Diagnostics;
using System.Text.Json.Serialization;

namespace Chaos.RelayBench;

/// <summary>One measured point at one arrival point: what the JSON line and the table show.</summary>
public sealed record PointResult
{
    [JsonPropertyName("label")] public required string Label { get; init; }
    [JsonPropertyName("path")] public required string Path { get; init; }
    [JsonPropertyName("point")] public required string Point { get; init; }
    [JsonPropertyName("rate")] public required int Rate { get; init; }
    [JsonPropertyName("seconds")] public required double Seconds { get; init; }
    [JsonPropertyName("sent")] public required int Sent { get; init; }
    [JsonPropertyName("delivered")] public required int Delivered { get; init; }
    [JsonPropertyName("lost")] public required int Lost { get; init; }
    [JsonPropertyName("duplicates")] public required long Duplicates { get; init; }
    [JsonPropertyName("p50_ms")] public required double P50 { get; init; }
    [JsonPropertyName("p95_ms")] public required double P95 { get; init; }
    [JsonPropertyName("p99_ms")] public required double P99 { get; init; }
    [JsonPropertyName("max_ms")] public required double Max { get; init; }
    [JsonPropertyName("from_driver_p50_ms")] public required double DriverP50 { get; init; }
    [JsonPropertyName("from_driver_p99_ms")] public required double DriverP99 { get; init; }
    [JsonPropertyName("cpu_pct_of_core")] public required double CpuPercent { get; init; }
    [JsonPropertyName("network_messages_per_event")] public required double NetworkMessagesPerEvent { get; init; }
    [JsonPropertyName("network_bytes_per_event")] public required double NetworkBytesPerEvent { get; init; }
    [JsonPropertyName("loadavg_before")] public required string LoadBefore { get; init; }
    [JsonPropertyName("loadavg_after")] public required string LoadAfter { get; init; }
    [JsonPropertyName("publisher_silo")] public required string PublisherSilo { get; init; }
    [JsonPropertyName("subscriber_silo")] public required string? SubscriberSilo { get; init; }
    [JsonPropertyName("observer_silo")] public required string ObserverSilo { get; init; }
    [JsonPropertyName("stray")] public required long Stray { get; init; }
    [JsonPropertyName("utc")] public required string Utc { get; init; }

    /// <summary>Counts and latency percentiles of events <paramref name="from"/> … end of <paramref name="arrivals"/>.</summary>
    public static (int Delivered, long Duplicates, double[] FromPublish, double[] FromDriver) Measure(
        PointArrivals arrivals, int from)
    {
        var delivered = 0;
        long duplicates = 0;
        var fromPublish = new List<double>(arrivals.Arrivals.Length - from);
        var fromDriver = new List<double>(arrivals.Arrivals.Length - from);
        for (var i = from; i < arrivals.Arrivals.Length; i++)
        {
            var count = Volatile.Read(ref arrivals.Arrivals[i]);
            if (count == 0)
            {
                continue;
            }

            delivered++;
            duplicates += count - 1;
            fromPublish.Add(Milliseconds(arrivals.FromPublish[i]));
            fromDriver.Add(Milliseconds(arrivals.FromDriver[i]));
        }

        var publish = fromPublish.ToArray();
        var driver = fromDriver.ToArray();
        Array.Sort(publish);
        Array.Sort(driver);
        return (delivered, duplicates, publish, driver);
    }

    /// <summary>Nearest-rank percentile of sorted values (NaN when empty).</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
