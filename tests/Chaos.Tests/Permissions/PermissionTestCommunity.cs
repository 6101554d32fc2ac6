using Chaos.Permissions;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Tests.Permissions;

/// <summary>
/// One small community shared by the permission tests, so that a table row names a member by its roles
/// instead of rebuilding the world. Positions: @everyone 0, Helper 1, Muted 1, Moderator 2, Admin 3, Top 4.
/// </summary>
internal static class PermissionTestCommunity
{
    public const long CommunityId = 100;
    public const long EveryoneId = CommunityId;
    public const long OwnerId = 1;
    public const long UserId = 2;
    public const long OtherUserId = 3;

    public const long HelperId = 201;
    public const long MutedId = 202;
    public const long ModeratorId = 203;
    public const long AdminId = 204;
    public const long TopId = 205;
    public const long DeletedRoleId = 299;

    public static readonly RoleInfo Everyone = new(EveryoneId, 0, PermissionSets.EveryoneDefault);
    public static readonly RoleInfo Helper = new(HelperId, 1, P.ManageChannels);
    public static readonly RoleInfo Muted = new(MutedId, 1, P.None);
    public static readonly RoleInfo Moderator = new(ModeratorId, 2, P.KickMembers | P.ManageMessages);
    public static readonly RoleInfo Admin = new(AdminId, 3, P.Administrator);
    public static readonly RoleInfo Top = new(TopId, 4, P.ViewAuditLog);

    public static readonly RoleInfo[] Roles = [Everyone, Helper, Muted, Moderator, Admin, Top];

    /// <summary>A context for <paramref name="userId"/> holding <paramref name="roleIds"/> in this community.</summary>
    public static MemberPermissionContext Member(long userId, params long[] roleIds) =>
        new(userId, OwnerId, CommunityId, Roles, roleIds);

    /// <summary>The same as <see cref="Member"/> but with a custom set of community roles.</summary>
    public static MemberPermissionContext MemberOf(RoleInfo[] roles, long userId, params long[] roleIds) =>
        new(userId, OwnerId, CommunityId, roles, roleIds);

    public static PermissionOverwrite EveryoneOverwrite(P allow, P deny) => new(EveryoneId, OverwriteType.Role, allow, deny);

    public static PermissionOverwrite RoleOverwrite(long roleId, P allow, P deny) => new(roleId, OverwriteType.Role, allow, deny);

    public static PermissionOverwrite MemberOverwrite(long userId, P allow, P deny) => new(userId, OverwriteType.Member, allow, deny);
}
