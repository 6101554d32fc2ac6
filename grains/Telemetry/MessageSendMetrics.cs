using System.Diagnostics.Metrics;
using Chaos.Errors;

namespace Chaos.Telemetry;

/// <summary>
/// Sends acknowledged (<c>chaos.messages.accepted</c>) and refused (<c>chaos.messages.rejected</c>, by error
/// <c>code</c>), counted where every send ends: the channel grain's send methods, whatever door the send came through.
/// </summary>
public sealed class MessageSendMetrics
{
    private readonly Counter<long> accepted;
    private readonly Counter<long> rejected;

    public MessageSendMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(ChaosTelemetry.Name);
        accepted = meter.CreateCounter<long>("chaos.messages.accepted", "{message}", "Sends acknowledged to their author (durable, seq assigned).");
        rejected = meter.CreateCounter<long>("chaos.messages.rejected", "{message}", "Sends refused, by error code.");
    }

    public void Accepted() => accepted.Add(1);

    public void Rejected(Exception exception) =>
        rejected.Add(1, new KeyValuePair<string, object?>("code", exception is ChaosException chaos ? chaos.Code : "internal"));
}
