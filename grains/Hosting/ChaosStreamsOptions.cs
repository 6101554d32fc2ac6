using System.ComponentModel.DataAnnotations;

namespace Chaos.Hosting;

/// <summary>
/// <c>Chaos:Streams</c>: the memory stream provider pulls its queues on a timer that sets both fan-out latency and idle
/// cost (the Orleans default of 100 ms gives p50 ≈ 50 ms); chat starts at 10 ms and 2 queues.
/// </summary>
public sealed class ChaosStreamsOptions
{
    public const string Section = "Chaos:Streams";

    [Range(1, 60_000)]
    public int PullPeriodMilliseconds { get; set; } = 10;

    [Range(1, 1024)]
    public int Queues { get; set; } = 2;

    /// <summary>
    /// How <c>MessageCreated</c> and channel access changes reach front doors: <c>push</c> (a grain-observer relay per
    /// front door, docs/architecture.md#push-relay-for-channel-events) or <c>stream</c> (the channel's memory stream).
    /// Every process of a cluster must use the same value. Everything else stays on the streams either way.
    /// </summary>
    [AllowedValues(Push, StreamMode)]
    public string ChannelEvents { get; set; } = Push;

    public const string Push = "push";

    public const string StreamMode = "stream";

    /// <summary>Whether channel messages go through the push relay.</summary>
    public bool PushesChannelEvents => ChannelEvents == Push;
}
