namespace Chaos.Voice;

/// <summary>
/// Which room a user is in and through which connection, and the server mute and deafen moderators gave them per
/// community (docs/architecture.md#voice): one small row per user who ever joined voice.
/// </summary>
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

    /// <summary>
    /// Server mute (bit 0) and deafen (bit 1) per community id; only communities with one of them set are kept, so at most
    /// <see cref="Communities.CommunityRules.MaxCommunitiesPerUser"/> entries. Cleared when the member leaves the community.
    /// </summary>
    [Id(4)]
    public Dictionary<long, int> Moderation { get; set; } = [];
}
