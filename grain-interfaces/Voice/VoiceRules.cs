namespace Chaos.Voice;

/// <summary>Limits of voice (ARCHITECTURE.md Voice).</summary>
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

    /// <summary>How many frames above the rate a speaker may burst (network jitter bunches frames).</summary>
    public const int FrameBurst = 15;

    /// <summary>Front doors re-register their relay and participants with every room this often.</summary>
    public static readonly TimeSpan RelayRefresh = TimeSpan.FromSeconds(2);

    /// <summary>A relay (and its participants) not refreshed for this long is gone: its front door died.</summary>
    public static readonly TimeSpan RelayExpiry = TimeSpan.FromSeconds(7);

    /// <summary>A speaker is no longer <c>speaking</c> after this long without frames.</summary>
    public static readonly TimeSpan SpeakingTimeout = TimeSpan.FromMilliseconds(400);
}
