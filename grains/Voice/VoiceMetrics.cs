using System.Diagnostics.Metrics;

namespace Chaos.Voice;

/// <summary>
/// The voice metrics of docs/operations.md#health-and-metrics, on the <c>Chaos</c> meter: frames forwarded to listeners, and frames dropped with the
/// cause as the <c>reason</c> tag, so a lossy call can be traced to the rate limit, a gap, or a slow listener.
/// </summary>
public sealed class VoiceMetrics
{
    /// <summary>Failed <c>OpusPacket.Validate</c> or the size bound (front door).</summary>
    public const string Invalid = "invalid";

    /// <summary>Over the speaker's frame rate (front door token bucket).</summary>
    public const string OverRate = "rate";

    /// <summary>The speaker is muted, suppressed or not in a room (front door).</summary>
    public const string Muted = "muted";

    /// <summary>The speaker is in the room without the Speak permission (room).</summary>
    public const string NoSpeak = "permission";

    /// <summary>Counted lost by the room's <see cref="FrameSequencer{T}"/>: a gap from the speaker's front door not filled in time.</summary>
    public const string RoomGap = "room_gap";

    /// <summary>Counted lost by a relay's <see cref="FrameSequencer{T}"/>: a gap from the room not filled in time.</summary>
    public const string RelayGap = "relay_gap";

    /// <summary>Pushed out of a full per-listener queue (drop-oldest: the listener reads too slowly).</summary>
    public const string Queue = "queue";

    private readonly Counter<long> dropped;

    public VoiceMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create("Chaos");
        Forwarded = meter.CreateCounter<long>("chaos.voice.frames.forwarded", description: "Voice frames queued to local listeners");
        dropped = meter.CreateCounter<long>("chaos.voice.frames.dropped", description: "Voice frames dropped, by reason (invalid, rate, muted, permission, room_gap, relay_gap, queue)");
    }

    public Counter<long> Forwarded { get; }

    public void Dropped(string reason, long count = 1)
    {
        if (count > 0)
        {
            dropped.Add(count, new KeyValuePair<string, object?>("reason", reason));
        }
    }
}
