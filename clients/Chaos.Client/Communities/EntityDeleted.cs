namespace Chaos.Client.Communities;

/// <summary>Payload of <c>ChannelDeleted</c> and <c>RoleDeleted</c>.</summary>
public sealed record EntityDeleted(string Id, string? CommunityId);
