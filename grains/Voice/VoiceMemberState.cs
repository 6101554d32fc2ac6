namespace Chaos.Voice;

/// <summary>Which room a user is in and through which connection: one small row per user who ever joined voice.</summary>
[GenerateSerializer, Alias("chaos.VoiceMemberState")]
public sealed class VoiceMemberState
{
    [Id(0)]
    public long? ChannelId { get; set; }

    [Id(1)]
    public string ConnectionId { get; set; } = string.Empty;

    [Id(2)]
    public string FrontDoorId { get; set; } = string.Empty;

    [Id(3)]
    public IVoiceRelay? Relay { get; set; }
}
