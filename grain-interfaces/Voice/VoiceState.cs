namespace Chaos.Voice;

/// <summary>The VoiceState object (docs/api.md#voicestate); <see cref="ChannelId"/> is null in the update that says the user left voice.</summary>
[GenerateSerializer, Immutable, Alias("chaos.VoiceState")]
public sealed record VoiceState(
    [property: Id(0)] long? ChannelId,
    [property: Id(1)] long UserId,
    [property: Id(2)] bool SelfMute,
    [property: Id(3)] bool SelfDeaf,
    [property: Id(4)] bool Mute,
    [property: Id(5)] bool Deaf,
    [property: Id(6)] bool Speaking)
{
    /// <summary>True when the server drops this user's frames (muted by themselves or a moderator).</summary>
    public bool Silenced => SelfMute || Mute;

    /// <summary>True when this user receives no frames.</summary>
    public bool Deafened => SelfDeaf || Deaf;
}
