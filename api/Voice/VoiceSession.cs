using System.Threading.Channels;
using Chaos.Voice;

namespace Chaos.Api.Voice;

/// <summary>
/// One gateway connection's voice: its room and state (an immutable snapshot swapped atomically, so the frame path reads
/// it without locks), its <c>ReceiveVoice</c> queue, and the sender's rate and abuse accounting.
/// </summary>
public sealed class VoiceSession(string connectionId, long userId, Action abort)
{
    private Channel<VoicePacket>? queue;
    private int sending;

    public string ConnectionId { get; } = connectionId;

    public long UserId { get; } = userId;

    /// <summary>
    /// The current room is end-to-end encrypted: frames are checked by size and TOC byte only
    /// (docs/architecture.md#encrypted-voice-frames).
    /// </summary>
    public bool E2ee { get; set; }

    /// <summary>The state in the current room, or null outside voice.</summary>
    public VoiceState? State { get; set; }

    public Channel<VoicePacket>? Queue => Volatile.Read(ref queue);

    /// <summary>Room grain reference cached for the frame path (the channel it belongs to, 0 for none).</summary>
    public (long ChannelId, IVoiceRoomGrain? Room) Room { get; set; }

    // Only the single SendVoice loop of this connection touches the fields below.
    internal double Tokens { get; set; } = VoiceRules.FrameBurst;

    internal long LastRefill { get; set; } = Environment.TickCount64;

    internal int Violations { get; set; }

    internal long ViolationWindowStart { get; set; } = Environment.TickCount64;

    public void Abort() => abort();

    /// <summary>Numbers the frames this connection forwards (see FrameSequencer); a new session is a new epoch.</summary>
    public long Epoch { get; } = Random.Shared.NextInt64(1, long.MaxValue);

    private long index;

    public long NextIndex() => Interlocked.Increment(ref index);

    /// <summary>At most <see cref="MaxSendStreams"/> SendVoice streams at once (a new one may start as an old one drains).</summary>
    public const int MaxSendStreams = 2;

    public bool TryStartSending()
    {
        if (Interlocked.Increment(ref sending) <= MaxSendStreams)
        {
            return true;
        }

        Interlocked.Decrement(ref sending);
        return false;
    }

    public void StopSending() => Interlocked.Decrement(ref sending);

    public void SetQueue(Channel<VoicePacket>? next) => Interlocked.Exchange(ref queue, next)?.Writer.TryComplete();

    /// <summary>Ends <paramref name="expected"/> if it is still the session's queue (its stream was cancelled).</summary>
    public void ClearQueue(Channel<VoicePacket> expected)
    {
        if (Interlocked.CompareExchange(ref queue, null, expected) == expected)
        {
            expected.Writer.TryComplete();
        }
    }
}
