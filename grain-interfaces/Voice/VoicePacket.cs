namespace Chaos.Voice;

/// <summary>
/// One Opus frame on its way from a speaker to the listeners, stamped with the speaker by the front door. It is also the
/// <c>ReceiveVoice</c> item of docs/api.md#voice-frames: <c>{userId, sequence, timestamp, payload}</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.VoicePacket")]
public sealed record VoicePacket(
    [property: Id(0)] long UserId,
    [property: Id(1)] uint Sequence,
    [property: Id(2)] uint Timestamp,
    [property: Id(3)] byte[] Payload);
