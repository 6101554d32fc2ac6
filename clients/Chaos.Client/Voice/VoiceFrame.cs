namespace Chaos.Client.Voice;

/// <summary>One 20 ms Opus packet sent to the room; <see cref="Timestamp"/> counts 48 kHz samples.</summary>
#pragma warning disable CA1819 // A frame is a wire value: one packet, one array.
public sealed record VoiceFrame(long Sequence, long Timestamp, byte[] Payload);
#pragma warning restore CA1819
