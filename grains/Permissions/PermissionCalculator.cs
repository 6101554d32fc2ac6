namespace Chaos.Permissions;

/// <summary>
/// The whole of CHAOS's permission math (docs/api.md#permissions, Discord's evaluation order) as pure functions,
/// so that every grain decides the same way and every rule is provable by a unit test without a cluster.
/// Knowing which bit an action needs, and answering <c>missing_permission</c>, stays with the caller.
/// </summary>
public static class PermissionCalculator
{
    /// <summary>
    /// Overwrites may not grant Administrator: it is a community-wide bypass, and letting one channel hand it
    /// out would make "admin in #lounge" mean admin everywhere to any caller that tests the bit.
    /// </summary>
    private const Permissions OverwritableBits = PermissionSets.All & ~Permissions.Administrator;

    /// <summary>
    /// Community-level permissions: @everyone OR every existing role of the member. The owner and anyone holding
    /// Administrator get <see cref="PermissionSets.All"/>, so checks never need a separate "is owner/admin" branch.
    /// </summary>
    public static Permissions ComputeBase(MemberPermissionContext member)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (member.IsOwner)
        {
            return PermissionSets.All;
        }

        var memberRoleIds = member.MemberRoleIds.ToHashSet();
        var permissions = Permissions.None;
        foreach (var role in member.Roles)
        {
            if (role.Id == member.CommunityId || memberRoleIds.Contains(role.Id))
            {
                permissions |= role.Permissions;
            }
        }

        return (permissions & Permissions.Administrator) != 0 ? PermissionSets.All : permissions;
    }

    /// <summary>
    /// Permissions in one community channel. Owner and Administrator are never limited by overwrites. Otherwise,
    /// in Discord's order: the @everyone overwrite (deny, then allow); the role overwrites of all the member's
    /// roles together (every deny, then every allow, so one role's allow beats another role's deny and the
    /// order of roles never matters); the member's own overwrite (deny, then allow). Without
    /// <see cref="Permissions.ViewChannel"/> the channel does not exist for the member, hence
    /// <see cref="Permissions.None"/>. Several overwrites for the same target (which a channel should never
    /// hold) are merged rather than letting list order decide.
    /// </summary>
    public static Permissions ComputeChannel(MemberPermissionContext member, IReadOnlyCollection<PermissionOverwrite> channelOverwrites)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(channelOverwrites);

        // ComputeBase already folded the owner into Administrator (All holds the bit).
        var permissions = ComputeBase(member);
        if ((permissions & Permissions.Administrator) != 0)
        {
            return PermissionSets.All;
        }

        // Only roles that still exist count, as in ComputeBase.
        var existingRoleIds = member.Roles.Select(role => role.Id).ToHashSet();
        var memberRoleIds = member.MemberRoleIds.Where(existingRoleIds.Contains).ToHashSet();

        Permissions everyoneAllow = 0, everyoneDeny = 0, roleAllow = 0, roleDeny = 0, memberAllow = 0, memberDeny = 0;
        foreach (var overwrite in channelOverwrites)
        {
            switch (overwrite.Type)
            {
                // @everyone must match before the member's roles: should its id appear among them, counting its
                // overwrite in the role step as well would let its allow override another role's deny.
                case OverwriteType.Role when overwrite.TargetId == member.CommunityId:
                    everyoneAllow |= overwrite.Allow;
                    everyoneDeny |= overwrite.Deny;
                    break;
                case OverwriteType.Role when memberRoleIds.Contains(overwrite.TargetId):
                    roleAllow |= overwrite.Allow;
                    roleDeny |= overwrite.Deny;
                    break;
                case OverwriteType.Member when overwrite.TargetId == member.UserId:
                    memberAllow |= overwrite.Allow;
                    memberDeny |= overwrite.Deny;
                    break;
            }
        }

        permissions = Apply(permissions, everyoneAllow, everyoneDeny);
        permissions = Apply(permissions, roleAllow, roleDeny);
        permissions = Apply(permissions, memberAllow, memberDeny);

        return (permissions & Permissions.ViewChannel) != 0 ? permissions : Permissions.None;
    }

    /// <summary>
    /// The highest position among the given roles that exist in the community; 0 (the position of @everyone)
    /// when there is none, so a member without roles ranks with @everyone and can manage nobody.
    /// </summary>
    public static int HighestRolePosition(IReadOnlyCollection<RoleInfo> communityRoles, IReadOnlyCollection<long> roleIds)
    {
        ArgumentNullException.ThrowIfNull(communityRoles);
        ArgumentNullException.ThrowIfNull(roleIds);

        var wanted = roleIds.ToHashSet();
        var highest = 0;
        foreach (var role in communityRoles)
        {
            if (wanted.Contains(role.Id) && role.Position > highest)
            {
                highest = role.Position;
            }
        }

        return highest;
    }

    /// <inheritdoc cref="HighestRolePosition(IReadOnlyCollection{RoleInfo}, IReadOnlyCollection{long})"/>
    public static int HighestRolePosition(MemberPermissionContext member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return HighestRolePosition(member.Roles, member.MemberRoleIds);
    }

    /// <summary>
    /// Role hierarchy for editing, deleting, assigning or removing a role: the owner may touch any role; anyone
    /// else only roles strictly below their own highest role, so nobody can edit their own top role to escalate
    /// and two peers at the same position cannot strip each other. As in Discord, Administrator does not lift
    /// the hierarchy. This checks rank only; the caller still requires <see cref="Permissions.ManageRoles"/>.
    /// </summary>
    public static bool CanManageRole(MemberPermissionContext actor, int targetRolePosition)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor.IsOwner || targetRolePosition < HighestRolePosition(actor);
    }

    /// <summary>
    /// Member hierarchy for kick, ban, timeout, voice moderation and role changes on another member: nobody
    /// manages the owner (the owner included, so an owner can never kick or ban themself out of ownership); the
    /// owner manages everyone else; anyone else only members whose highest role is strictly below their own.
    /// Acting on oneself is therefore always refused here: leaving or renaming oneself are separate paths.
    /// Administrator does not lift the hierarchy. The caller still requires the action's own permission bit.
    /// </summary>
    /// <param name="actor">The acting member, with the community's roles.</param>
    /// <param name="targetUserId">The member acted upon.</param>
    /// <param name="targetRoleIds">The target's role ids; ids of roles that no longer exist are ignored.</param>
    public static bool CanManageMember(MemberPermissionContext actor, long targetUserId, IReadOnlyCollection<long> targetRoleIds)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(targetRoleIds);

        if (targetUserId == actor.OwnerId)
        {
            return false;
        }

        return actor.IsOwner || HighestRolePosition(actor.Roles, targetRoleIds) < HighestRolePosition(actor);
    }

    private static Permissions Apply(Permissions permissions, Permissions allow, Permissions deny) =>
        (permissions & ~(deny & OverwritableBits)) | (allow & OverwritableBits);
}
