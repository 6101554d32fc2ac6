namespace Chaos.Gateway;

/// <summary>The payload of <c>ChannelDeleted</c> and <c>RoleDeleted</c>: <c>{id, communityId}</c>.</summary>
[GenerateSerializer, Immutable, Alias("chaos.EntityDeleted")]
public sealed record EntityDeleted([property: Id(0)] long Id, [property: Id(1)] long CommunityId);
