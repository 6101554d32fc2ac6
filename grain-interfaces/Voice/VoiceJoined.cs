namespace Chaos.Voice;

/// <summary>The answer to <c>JoinVoice</c>: the room's participants (the joiner included) and the codec.</summary>
[GenerateSerializer, Immutable, Alias("chaos.VoiceJoined")]
public sealed record VoiceJoined(
    [property: Id(0)] long ChannelId,
    [property: Id(1)] IReadOnlyList<VoiceState> Participants,
    [property: Id(2)] VoiceCodec Codec);
