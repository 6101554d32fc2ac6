using System.ComponentModel.DataAnnotations;

namespace Chaos.Hosting;

/// <summary>
/// <c>Chaos:Streams</c>: the stream provider's queues, how long their readers wait for the next message, and the pulling
/// agents' timer, which together set the latency of what still travels on streams and the idle cost of every silo
/// (docs/architecture.md#stream-queues).
/// </summary>
public sealed class ChaosStreamsOptions
{
    public const string Section = "Chaos:Streams";

    /// <summary>
    /// The pause before a pulling agent's next read after one came back empty (every read, when
    /// <see cref="QueueWaitMilliseconds"/> is 0); unset, 50 ms when channel messages are pushed (what is left on streams — edits, reactions,
    /// typing, presence, community and user events — does not need milliseconds, and every tick costs an idle silo CPU)
    /// and 10 ms when they travel on streams (docs/architecture.md#stream-queues).
    /// </summary>
    [Range(1, 60_000)]
    public int? PullPeriodMilliseconds { get; set; }

    /// <summary>The pulling period in effect (<see cref="PullPeriodMilliseconds"/>).</summary>
    public TimeSpan PullPeriod => TimeSpan.FromMilliseconds(PullPeriodMilliseconds ?? (PushesChannelEvents ? 50 : 10));

    [Range(1, 1024)]
    public int Queues { get; set; } = 2;

    /// <summary>
    /// How long a pulling agent's read waits in an empty queue for the next message before it asks again; 0 turns the
    /// wait off, so agents poll every <see cref="PullPeriod"/> as Orleans' memory streams do
    /// (docs/architecture.md#stream-queues).
    /// </summary>
    [Range(0, 20_000)]
    public int QueueWaitMilliseconds { get; set; } = 5_000;

    /// <summary>The wait in effect (<see cref="QueueWaitMilliseconds"/>).</summary>
    public TimeSpan QueueWait => TimeSpan.FromMilliseconds(QueueWaitMilliseconds);

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
