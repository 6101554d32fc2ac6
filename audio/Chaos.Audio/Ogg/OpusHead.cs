namespace Chaos.Audio;

/// <summary>The identification header of an Ogg Opus stream (RFC 7845 section 5.1).</summary>
/// <param name="Version">Always 1 for streams we accept.</param>
/// <param name="Channels">Output channels, 1 or 2 for voice messages.</param>
/// <param name="PreSkip">48 kHz samples to discard at the start of decoding (encoder delay).</param>
/// <param name="InputSampleRate">The rate of the original input; informational only.</param>
/// <param name="OutputGain">Gain to apply on output, Q7.8 dB.</param>
/// <param name="MappingFamily">Channel mapping family, 0 or 1.</param>
public sealed record OpusHead(int Version, int Channels, int PreSkip, uint InputSampleRate, short OutputGain, int MappingFamily);
