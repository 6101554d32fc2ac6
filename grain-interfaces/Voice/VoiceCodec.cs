namespace Chaos.Voice;

/// <summary>The codec every client of a room speaks: Opus, 48 kHz mono, 20 ms frames (<c>JoinVoice</c> in docs/api.md#hub-methods).</summary>
[GenerateSerializer, Immutable, Alias("chaos.VoiceCodec")]
public sealed record VoiceCodec(
    [property: Id(0)] string Name,
    [property: Id(1)] int SampleRate,
    [property: Id(2)] int Channels,
    [property: Id(3)] int FrameMs,
    [property: Id(4)] int MaxBitrate)
{
    public static VoiceCodec Opus { get; } = new("opus", 48000, 1, 20, VoiceRules.MaxBitrate);
}
