using System.Diagnostics.Metrics;

namespace Chaos.Presence;

/// <summary>
/// The cost of presence: status changes published (one stream event each), what front doors do with them (socket
/// writes to connections) and the calls front doors make to Presence grains. Exported on <c>/metrics</c>; the totals
/// are also readable in-process (tests, benchmarks).
/// </summary>
public sealed class PresenceMetrics
{
    private readonly Counter<long> published;
    private readonly Counter<long> received;
    private readonly Counter<long> delivered;
    private readonly Counter<long> frontDoorCalls;
    private long publishedTotal;
    private long receivedTotal;
    private long deliveredTotal;
    private long frontDoorCallsTotal;

    public PresenceMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create("Chaos") ?? new Meter("Chaos");
        published = meter.CreateCounter<long>("presence.published", "{event}", "Presence changes published on presence streams.");
        received = meter.CreateCounter<long>("presence.stream_deliveries", "{event}", "Presence events received by front doors from streams.");
        delivered = meter.CreateCounter<long>("presence.delivered", "{event}", "PresenceUpdated events written to gateway connections.");
        frontDoorCalls = meter.CreateCounter<long>("presence.front_door_calls", "{call}", "Calls front doors made to Presence grains (connects, disconnects, activity, restores).");
    }

    public long Published => Interlocked.Read(ref publishedTotal);

    public long Received => Interlocked.Read(ref receivedTotal);

    public long Delivered => Interlocked.Read(ref deliveredTotal);

    /// <summary>Calls this process's front door made to Presence grains; an idle connection adds none.</summary>
    public long FrontDoorCalls => Interlocked.Read(ref frontDoorCallsTotal);

    public void OnPublished()
    {
        Interlocked.Increment(ref publishedTotal);
        published.Add(1);
    }

    public void OnFrontDoorCall()
    {
        Interlocked.Increment(ref frontDoorCallsTotal);
        frontDoorCalls.Add(1);
    }

    public void OnReceived(int connections)
    {
        Interlocked.Increment(ref receivedTotal);
        Interlocked.Add(ref deliveredTotal, connections);
        received.Add(1);
        delivered.Add(connections);
    }
}
