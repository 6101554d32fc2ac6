using System.Diagnostics;
using System.Globalization;

namespace Chaos.RelayBench;

/// <summary>
/// Places the grains (publisher on A, subscriber on the chosen silo, observer on B), then drives the publisher at a
/// steady rate from a dedicated thread and reads what arrived.
/// </summary>
public sealed class PointRunner(BenchOptions options, BenchCluster cluster, Recorder recorder, NetworkCounter network)
{
    private readonly BenchObserver observer = new(recorder);
    private IPublisherGrain? publisher;
    private string publisherSilo = "";
    private string? subscriberSilo;
    private long nextSeq;

    /// <summary>The observer reference; kept here so the observer object lives as long as the run.</summary>
    private IBenchObserver? observerReference;

    public async Task SetUpAsync()
    {
        observerReference = cluster.GrainsB.CreateObjectReference<IBenchObserver>(observer);
        publisher = cluster.GrainsA.GetGrain<IPublisherGrain>(0);
        publisherSilo = await publisher.WhereAsync();
        Require(publisherSilo == cluster.AddressA, $"publisher activated on {publisherSilo}, not silo A");

        var key = options.SubscriberSilo == '?' ? "channel-auto" : $"channel-{options.SubscriberSilo}";
        var grains = options.SubscriberSilo == 'A' ? cluster.GrainsA : cluster.GrainsB;
        var expected = options.SubscriberSilo == 'A' ? cluster.AddressA : cluster.AddressB;
        ISubscriberGrain? subscriber = options.Mechanism switch
        {
            BenchMechanism.Broadcast => grains.GetGrain<IChannelSubscriberGrain>(key),
            BenchMechanism.Stream => grains.GetGrain<IStreamSubscriberGrain>(key),
            _ => null,
        };
        if (subscriber is not null && options.SubscriberSilo != '?')
        {
            subscriberSilo = await subscriber.WhereAsync();
            Require(subscriberSilo == expected, $"subscriber activated on {subscriberSilo}, not {expected}");
        }

        // The observer reference is handed over only by calls made from silo B (see ReferenceGuard): sent from B to a
        // grain on A it is serialized and bound to A's runtime there; the grains refuse one bound elsewhere.
        if (options.Mechanism is BenchMechanism.Broadcast or BenchMechanism.Stream && options.SubscriberSilo != '?')
        {
            ISubscriberGrain fromB = options.Mechanism == BenchMechanism.Broadcast
                ? cluster.GrainsB.GetGrain<IChannelSubscriberGrain>(key)
                : cluster.GrainsB.GetGrain<IStreamSubscriberGrain>(key);
            await fromB.SetRelayAsync(options.Relay ? observerReference : null);
        }

        await cluster.GrainsB.GetGrain<IPublisherGrain>(0).ConfigureAsync(
            options.Mechanism,
            options.Mechanism == BenchMechanism.Observer ? observerReference : null,
            options.SubscriberSilo == '?' ? BenchNames.AutoNamespace : BenchNames.Namespace,
            key);
        Console.Error.WriteLine($"silo A {cluster.AddressA}, silo B {cluster.AddressB}; publisher on {publisherSilo}, subscriber on {subscriberSilo ?? "-"}, observer on B");
    }

    public async Task<IReadOnlyList<PointResult>> RunAsync(int rate)
    {
        var warmCount = rate * options.WarmupSeconds;
        var measuredCount = rate * options.Seconds;
        var firstSeq = nextSeq;
        nextSeq += warmCount + measuredCount;
        var window = recorder.Open(firstSeq, warmCount + measuredCount);

        await Task.Run(() => Drive(firstSeq, warmCount, rate));
        var loadBefore = LoadAverage();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var messagesBefore = network.Messages;
        var bytesBefore = network.Bytes;
        var wall = Stopwatch.StartNew();
        await Task.Run(() => Drive(firstSeq + warmCount, measuredCount, rate));
        wall.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var messages = network.Messages - messagesBefore;
        var bytes = network.Bytes - bytesBefore;
        var loadAfter = LoadAverage();

        // Stragglers: wait until every measured event reached the final point, or the drain deadline.
        var final = FinalPoint;
        var drain = Stopwatch.StartNew();
        while (options.Mechanism != BenchMechanism.None
            && drain.Elapsed < TimeSpan.FromSeconds(options.DrainSeconds) && Missing(window[final], warmCount) > 0)
        {
            await Task.Delay(50);
        }

        recorder.Close();

        var points = options.Relay ? new[] { ArrivalPoint.Grain, ArrivalPoint.FrontDoor } : [final];
        var results = new List<PointResult>();
        foreach (var point in points)
        {
            var (delivered, duplicates, fromPublish, fromDriver) = PointResult.Measure(window[point], warmCount);
            results.Add(new PointResult
            {
                Label = options.Label,
                Path = options.PathName,
                Point = options.Mechanism == BenchMechanism.None ? "nothing-sent"
                    : point == ArrivalPoint.Grain ? "grain" : "front-door",
                Rate = rate,
                Seconds = Math.Round(wall.Elapsed.TotalSeconds, 3),
                Sent = measuredCount,
                Delivered = delivered,
                Lost = measuredCount - delivered,
                Duplicates = duplicates,
                P50 = Round(PointResult.Percentile(fromPublish, 50)),
                P95 = Round(PointResult.Percentile(fromPublish, 95)),
                P99 = Round(PointResult.Percentile(fromPublish, 99)),
                Max = Round(fromPublish.Length == 0 ? double.NaN : fromPublish[^1]),
                DriverP50 = Round(PointResult.Percentile(fromDriver, 50)),
                DriverP99 = Round(PointResult.Percentile(fromDriver, 99)),
                CpuPercent = Math.Round(cpu.TotalSeconds / wall.Elapsed.TotalSeconds * 100, 1),
                NetworkMessagesPerEvent = Math.Round((double)messages / measuredCount, 3),
                NetworkBytesPerEvent = Math.Round((double)bytes / measuredCount, 1),
                LoadBefore = loadBefore,
                LoadAfter = loadAfter,
                PublisherSilo = publisherSilo,
                SubscriberSilo = subscriberSilo ?? (recorder.Activations.Count > 0 ? string.Join("; ", recorder.Activations) : null),
                ObserverSilo = cluster.AddressB,
                Stray = recorder.Stray,
                Utc = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            });
        }

        return results;
    }

    private ArrivalPoint FinalPoint =>
        options.Mechanism == BenchMechanism.Observer || options.Relay ? ArrivalPoint.FrontDoor : ArrivalPoint.Grain;

    /// <summary>
    /// Sends <paramref name="count"/> events from <paramref name="firstSeq"/> at <paramref name="rate"/> per second:
    /// each millisecond or so, whatever is due, in one one-way call to the publisher.
    /// </summary>
    private void Drive(long firstSeq, int count, int rate)
    {
        var start = Stopwatch.GetTimestamp();
        var sent = 0;
        while (sent < count)
        {
            var due = (int)Math.Min(count, (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate) + 1);
            if (due > sent)
            {
                _ = publisher!.PublishAsync(firstSeq + sent, due - sent, Stopwatch.GetTimestamp());
                sent = due;
            }

            Thread.Sleep(1);
        }
    }

    private static int Missing(PointArrivals arrivals, int from)
    {
        var missing = 0;
        for (var i = from; i < arrivals.Arrivals.Length; i++)
        {
            if (Volatile.Read(ref arrivals.Arrivals[i]) == 0)
            {
                missing++;
            }
        }

        return missing;
    }

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();

    private static double Round(double value) => Math.Round(value, 3);

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
