using System.Diagnostics;
using System.Diagnostics.Metrics;
using Chaos.Api.Gateway;
using Chaos.Gateway;
using Chaos.Ids;
using Chaos.Messages;
using Chaos.Telemetry;

namespace Chaos.Api.Telemetry;

/// <summary>
/// The front door's gateway metrics on the <c>Chaos</c> meter: live connections, stream events delivered to local
/// connections (by event), and fan-out lag — from a message's creation (its snowflake's time, taken when the channel
/// accepted it) to its delivery here, so commit time and the stream's pull period are both in it.
/// </summary>
public sealed class GatewayMetrics
{
    private readonly Counter<long> deliveries;
    private readonly Counter<long> slowConsumers;
    private readonly Histogram<double> fanoutLag;
    private readonly TimeProvider time;
    private long slowConsumersClosed;
    private long slowConsumersClosedByBudget;

    public GatewayMetrics(IMeterFactory meters, IServiceProvider services, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(services);
        this.time = time;
        var meter = meters.Create(ChaosTelemetry.Name);
        // Resolved when observed: the fan-out itself depends on these metrics.
        meter.CreateObservableUpDownCounter("chaos.gateway.connections", () => services.GetService<GatewayConnectionRegistry>()?.Count ?? 0, "{connection}", "Gateway connections open on this front door.");
        meter.CreateObservableGauge("chaos.gateway.pending_bytes", () => (services.GetService<Microsoft.AspNetCore.SignalR.HubLifetimeManager<GatewayHub>>() as GatewayLifetimeManager)?.TotalPendingBytes ?? 0, "By", "Bytes of events this front door's gateway connections owe (queued or being written); bounded by Chaos:Gateway:PendingBytesBudget.");
        deliveries = meter.CreateCounter<long>("chaos.gateway.deliveries", "{event}", "Stream events delivered to this front door's connections, by event.");
        slowConsumers = meter.CreateCounter<long>("chaos.gateway.slow_consumers", "{connection}", "Gateway connections closed because they did not read what they were sent, by the bound that closed them (connection or budget).");
        fanoutLag = meter.CreateHistogram<double>(
            "chaos.fanout.lag",
            "ms",
            "From a message's acceptance by its channel to its delivery by this front door.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] });
    }

    /// <summary>Connections closed as slow consumers on this front door (also a metric).</summary>
    public long SlowConsumersClosed => Interlocked.Read(ref slowConsumersClosed);

    /// <summary>Connections closed as slow consumers because the front door's budget was spent (<c>bound=budget</c>).</summary>
    public long SlowConsumersClosedByBudget => Interlocked.Read(ref slowConsumersClosedByBudget);

    /// <summary>A connection was closed with <c>slow_consumer</c>; <paramref name="bound"/> is <c>connection</c> or <c>budget</c>.</summary>
    public void SlowConsumerClosed(string bound)
    {
        Interlocked.Increment(ref slowConsumersClosed);
        if (bound == "budget")
        {
            Interlocked.Increment(ref slowConsumersClosedByBudget);
        }

        slowConsumers.Add(1, new KeyValuePair<string, object?>("bound", bound));
    }

    /// <summary>
    /// Counts a delivery and marks it with a span (<c>chaos.gateway.deliver</c>, tagged with the event and its seq), a
    /// child of the span that published the event when the event carries its trace context
    /// (<see cref="GatewayEvent.TraceParent"/>), a trace of its own otherwise.
    /// </summary>
    public void Delivered(GatewayEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        using var span = evt.TraceParent is { } parent && ActivityContext.TryParse(parent, null, isRemote: true, out var context)
            ? ChaosTelemetry.Source.StartActivity("chaos.gateway.deliver", ActivityKind.Consumer, context)
            : ChaosTelemetry.Source.StartActivity("chaos.gateway.deliver", ActivityKind.Consumer);
        span?.SetTag("chaos.event", evt.Name);
        if (evt.Seq is { } seq)
        {
            span?.SetTag("chaos.seq", seq);
        }

        deliveries.Add(1, new KeyValuePair<string, object?>("event", evt.Name));
        if (evt.Payload is Message message && evt.Name == GatewayEvents.MessageCreated)
        {
            fanoutLag.Record(Math.Max(0, (time.GetUtcNow() - Snowflake.CreatedAt(message.Id)).TotalMilliseconds));
        }
    }
}
