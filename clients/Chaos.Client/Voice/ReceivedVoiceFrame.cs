namespace Chaos.Client.Voice;

/// <summary>A frame of another participant, as <c>ReceiveVoice</c> streams it.</summary>
#pragma warning disable CA1819 // A frame is a wire value: one packet, one array.
public sealed record ReceivedVoiceFrame(string UserId, long Sequence, long Timestamp, byte[] Payload);
#pragma warning restore CA1819
