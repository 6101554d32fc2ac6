namespace Chaos.Api.Voice;

/// <summary>
/// One item of the <c>SendVoice</c> client-to-server stream (docs/api.md#voice-frames): a 20 ms Opus packet; <c>timestamp</c> counts
/// 48 kHz samples. Both counters wrap like RTP's.
/// </summary>
public sealed record VoiceFrame(uint Sequence, uint Timestamp, byte[]? Payload);
