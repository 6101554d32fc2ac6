namespace Chaos.Client.Voice;

/// <summary>What <c>JoinVoice</c> answers: the room's participants and the codec to send.</summary>
public sealed record VoiceJoined(string ChannelId, IReadOnlyList<VoiceState> Participants, VoiceCodec Codec);
