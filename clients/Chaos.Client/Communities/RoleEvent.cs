namespace Chaos.Client.Communities;

/// <summary>Payload of <c>RoleCreated</c> and <c>RoleUpdated</c>.</summary>
public sealed record RoleEvent(string CommunityId, Role Role);
