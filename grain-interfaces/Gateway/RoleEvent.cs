using Chaos.Communities;

namespace Chaos.Gateway;

/// <summary>The payload of <c>RoleCreated</c> and <c>RoleUpdated</c>: the role and the community it belongs to.</summary>
[GenerateSerializer, Immutable, Alias("chaos.RoleEvent")]
public sealed record RoleEvent([property: Id(0)] long CommunityId, [property: Id(1)] Role Role);
