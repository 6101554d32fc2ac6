namespace Chaos.Permissions;

/// <summary>
/// Everything about one member of one community that permission and hierarchy checks read, bundled so that a
/// community grain can hand one immutable snapshot to a channel grain instead of five loose arguments.
/// </summary>
/// <param name="UserId">The member whose permissions are computed (the actor, for hierarchy checks).</param>
/// <param name="OwnerId">The community owner, who bypasses every permission check.</param>
/// <param name="CommunityId">The community id, which is also the id of the @everyone role (docs/api.md#role).</param>
/// <param name="Roles">Every role of the community, @everyone included. Treat as read-only once shared.</param>
/// <param name="MemberRoleIds">
/// The member's role ids. Ids of roles that no longer exist are ignored rather than rejected, so that a role
/// deletion racing with a permission check can never grant or break anything.
/// </param>
[GenerateSerializer, Immutable, Alias("chaos.MemberPermissionContext")]
public sealed record MemberPermissionContext(
    [property: Id(0)] long UserId,
    [property: Id(1)] long OwnerId,
    [property: Id(2)] long CommunityId,
    [property: Id(3)] IReadOnlyList<RoleInfo> Roles,
    [property: Id(4)] IReadOnlyList<long> MemberRoleIds)
{
    /// <summary>True for the community owner, whose authority no role or overwrite can limit.</summary>
    public bool IsOwner => UserId == OwnerId;
}
