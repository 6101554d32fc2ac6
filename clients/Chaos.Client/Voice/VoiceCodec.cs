namespace Chaos.Client.Voice;

public sealed record VoiceCodec(string Name, int SampleRate, int Channels, int FrameMs, int MaxBitrate);
