namespace Chaos.Voice;

/// <summary>Limits of voice (docs/architecture.md#voice).</summary>
public static class VoiceRules
{
    /// <summary>Participants per voice channel.</summary>
    public const int MaxParticipants = 50;

    /// <summary>Advertised to clients; the server does not transcode, so it only bounds packet sizes in practice.</summary>
    public const int MaxBitrate = 64000;

    /// <summary>The largest Opus packet (RFC 6716).</summary>
    public const int MaxFrameBytes = 1275;

    /// <summary>Frames per second a speaker may send on average (20 ms frames are 50/s).</summary>
    public const int MaxFramesPerSecond = 60;

    /// <summary>
    /// Frames a speaker may send at once above the rate: one second of audio. A sender, network or front door that
    /// stalls for up to a second delivers its backlog in a burst, and none of it may be lost (with 15, a 400 ms stall of a
    /// loaded machine already dropped frames). Below <c>ListenerQueueFrames</c> (64), so a whole burst fits a
    /// listener's queue without pushing out older frames.
    /// </summary>
    public const int FrameBurst = 50;

    /// <summary>
    /// A gap in a speaker's frames (a frame still in flight between silos) waits this long before it counts as lost and
    /// the frames behind it go on. Orleans may deliver messages between silos out of order and a loaded silo can hold
    /// one back for a few hundred milliseconds; a real loss (a failing silo) only happens in a failover.
    /// </summary>
    public const long StaleGapMilliseconds = 400;

    /// <summary>Front doors re-register their relay and participants with every room this often.</summary>
    public static readonly TimeSpan RelayRefresh = TimeSpan.FromSeconds(2);

    /// <summary>A relay (and its participants) not refreshed for this long is gone: its front door died.</summary>
    public static readonly TimeSpan RelayExpiry = TimeSpan.FromSeconds(7);

    /// <summary>A speaker is no longer <c>speaking</c> after this long without frames.</summary>
    public static readonly TimeSpan SpeakingTimeout = TimeSpan.FromMilliseconds(400);

    /// <summary>A room with people in it re-sends its snapshot to its community's voice index this often.</summary>
    public static readonly TimeSpan IndexRefresh = TimeSpan.FromSeconds(5);

    /// <summary>An index entry not re-sent for this long belongs to a room that is gone (its silo failed, nobody came back).</summary>
    public static readonly TimeSpan IndexExpiry = TimeSpan.FromSeconds(20);
}
