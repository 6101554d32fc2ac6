namespace Chaos.Support;

/// <summary>What the guest widget shows before a conversation starts (<c>GET /support/{communityId}</c>, no account needed).</summary>
[GenerateSerializer, Immutable, Alias("chaos.SupportDeskInfo")]
public sealed record SupportDeskInfo(
    [property: Id(0)] long CommunityId,
    [property: Id(1)] bool Enabled,
    [property: Id(2)] string Greeting,
    [property: Id(3)] string OfflineMessage,
    [property: Id(4)] int AgentsAvailable);
