namespace Chaos.Client.Voice;

/// <summary>A user's voice state; <see cref="ChannelId"/> is null once the user left voice.</summary>
public sealed record VoiceState(string? ChannelId, string UserId, bool SelfMute, bool SelfDeaf, bool Mute, bool Deaf, bool Speaking);
