using System.Diagnostics.Metrics;

namespace Chaos.Api.Voice;

/// <summary>ARCHITECTURE.md's voice metrics on the <c>Chaos</c> meter: frames forwarded to listeners and frames dropped.</summary>
public sealed class VoiceMetrics
{
    public VoiceMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create("Chaos");
        Forwarded = meter.CreateCounter<long>("chaos.voice.frames.forwarded", description: "Voice frames queued to local listeners");
        Dropped = meter.CreateCounter<long>("chaos.voice.frames.dropped", description: "Voice frames dropped at the front door (invalid, over rate, muted)");
    }

    public Counter<long> Forwarded { get; }

    public Counter<long> Dropped { get; }
}
