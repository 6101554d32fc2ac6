using System.Diagnostics;
using System.Globalization;

namespace Chaos.LoadTest;

/// <summary>
/// Samples the servers once a second while a scenario runs: resident memory from /proc (summed over the server pids) and,
/// from each front door's /metrics, the managed heap after the last GC, the memory the GC has committed, the pooled buffers
/// of ASP.NET Core's memory pools, the gateway's pending bytes and the slow consumers closed so far. Marks name moments
/// of the run (e.g. "load ended") so the series can be read against them (docs/benchmarks.md#slow-consumers-and-hostile-traffic).
/// </summary>
internal sealed class ServerSampler : IAsyncDisposable
{
    private readonly IReadOnlyList<int> pids;
    private readonly IReadOnlyList<Uri> servers;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly CancellationTokenSource stop = new();
    private readonly long started = Stopwatch.GetTimestamp();
    private readonly List<Sample> samples = [];
    private readonly Dictionary<string, double> marks = [];
    private readonly Task loop;

    public ServerSampler(IReadOnlyList<int> pids, IReadOnlyList<Uri> servers)
    {
        this.pids = pids;
        this.servers = [.. servers.Distinct()];
        loop = Task.Run(LoopAsync);
    }

    /// <summary>Seconds since sampling began.</summary>
    public double Now => Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 1);

    public void Mark(string name)
    {
        lock (samples)
        {
            marks[name] = Now;
        }
    }

    public async Task StopAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The series as columns (seconds, RSS, managed heap after the last GC, memory the GC has committed, pooled buffers, pending KiB, slow consumers closed) plus the marks.</summary>
    public Dictionary<string, object?> Series()
    {
        lock (samples)
        {
            return new Dictionary<string, object?>
            {
                ["marks"] = new Dictionary<string, double>(marks),
                ["t"] = samples.Select(s => s.Seconds).ToArray(),
                ["rssMiB"] = samples.Select(s => s.RssMiB).ToArray(),
                ["heapAfterLastGcMiB"] = samples.Select(s => s.HeapMiB).ToArray(),
                ["gcCommittedMiB"] = samples.Select(s => s.CommittedMiB).ToArray(),
                ["memoryPoolPooledMiB"] = samples.Select(s => s.PooledMiB).ToArray(),
                ["pendingKiB"] = samples.Select(s => s.PendingKiB).ToArray(),
                ["slowConsumersClosed"] = samples.Select(s => s.SlowClosed).ToArray(),
            };
        }
    }

    /// <summary>RSS samples (MiB) taken between two marks (or to the end when <paramref name="to"/> is absent).</summary>
    public double[] RssBetween(string from, string? to) => Between(from, to, s => s.RssMiB);

    /// <summary>Managed-heap-after-GC samples (MiB) taken between two marks (or to the end when <paramref name="to"/> is absent).</summary>
    public double[] HeapBetween(string from, string? to) => Between(from, to, s => s.HeapMiB);

    private double[] Between(string from, string? to, Func<Sample, double?> value)
    {
        lock (samples)
        {
            var start = marks.GetValueOrDefault(from, double.NaN);
            var end = to is null ? double.MaxValue : marks.GetValueOrDefault(to, double.MaxValue);
            return [.. samples.Where(s => s.Seconds >= start && s.Seconds <= end).Select(value).OfType<double>()];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        http.Dispose();
        stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            var rss = ServerMemory.ResidentBytes(pids);
            double? pending = null;
            double? closed = null;
            double? heap = null;
            double? committed = null;
            double? pooled = null;
            foreach (var server in servers)
            {
                try
                {
                    var text = await http.GetStringAsync(new Uri(server, "/metrics"), stop.Token);
                    foreach (var line in text.Split('\n'))
                    {
                        if (line.StartsWith("chaos_gateway_pending_bytes", StringComparison.Ordinal))
                        {
                            pending = (pending ?? 0) + Value(line) / 1024;
                        }
                        else if (line.StartsWith("chaos_gateway_slow_consumers", StringComparison.Ordinal))
                        {
                            closed = (closed ?? 0) + Value(line);
                        }
                        else if (line.StartsWith("dotnet_gc_last_collection_heap_size_bytes", StringComparison.Ordinal))
                        {
                            // One line per generation (gen0, gen1, gen2, loh, poh): their sum is the managed heap after the last GC.
                            heap = (heap ?? 0) + Value(line) / 1048576;
                        }
                        else if (line.StartsWith("dotnet_gc_last_collection_memory_committed_size_bytes", StringComparison.Ordinal))
                        {
                            committed = (committed ?? 0) + Value(line) / 1048576;
                        }
                        else if (line.StartsWith("aspnetcore_memory_pool_pooled_bytes", StringComparison.Ordinal))
                        {
                            // Kestrel's (and other owners') pooled buffers: memory kept for reuse, outside the GC heap.
                            pooled = (pooled ?? 0) + Value(line) / 1048576;
                        }
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                }
            }

            lock (samples)
            {
                samples.Add(new Sample(Now, rss is { } r ? Math.Round(r / 1048576.0, 1) : null, heap is { } h ? Math.Round(h, 1) : null, committed is { } c ? Math.Round(c, 1) : null, pooled is { } o ? Math.Round(o, 1) : null, pending is { } p ? Math.Round(p, 0) : null, closed));
            }
        }
        while (await timer.WaitForNextTickAsync(stop.Token));
    }

    /// <summary>"name{labels} value [timestamp]" or "name value".</summary>
    private static double Value(string line)
    {
        var rest = line.Contains('}', StringComparison.Ordinal) ? line[(line.LastIndexOf('}') + 1)..] : line[line.IndexOf(' ', StringComparison.Ordinal)..];
        return double.Parse(rest.Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private readonly record struct Sample(double Seconds, double? RssMiB, double? HeapMiB, double? CommittedMiB, double? PooledMiB, double? PendingKiB, double? SlowClosed);
}
