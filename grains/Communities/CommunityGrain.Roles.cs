using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Permissions;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Communities;

/// <summary>The community's roles: create, update, reorder, delete, and giving them to members or taking them away.</summary>
internal sealed partial class CommunityGrain
{
    public async Task<Role> CreateRoleAsync(long actorId, RoleChange change)
    {
        EnsureExists();
        var actor = await RequirePermissionAsync(actorId, P.ManageRoles);
        ChaosException.ThrowIfInvalid("name", CommunityRules.CheckRoleName(change.Name ?? "new role"));
        ValidateColor(change.Color);
        if (S.Roles.Count >= CommunityRules.MaxRoles)
        {
            throw ChaosException.Validation("name", $"A community has at most {CommunityRules.MaxRoles} roles.");
        }

        var permissions = change.Permissions ?? P.None;
        RequireHeld(actor, permissions, null);
        var position = change.Position ?? 1;
        if (position < 1 || !PermissionCalculator.CanManageRole(actor, position))
        {
            throw new ChaosException(ErrorCodes.Forbidden, "A role can only be placed below your own highest role.");
        }

        var role = new Role(ids.NextId(), (change.Name ?? "new role").Trim(), permissions, position, change.Color ?? 0, change.Mentionable ?? false);
        S.Roles = RoleOrder.Insert(S.Roles, role, position, CommunityId);
        var created = S.Roles.Single(r => r.Id == role.Id);
        var changes = new Dictionary<string, AuditChange>
        {
            ["name"] = new(null, role.Name),
            ["permissions"] = new(null, PermissionSets.Format(permissions)),
        };
        await CommitAsync(new(actorId, "role.create", role.Id, changes), (GatewayEvents.RoleCreated, new RoleEvent(CommunityId, created)));
        return created;
    }

    public async Task<Role> UpdateRoleAsync(long actorId, long roleId, RoleChange change)
    {
        EnsureExists();
        var actor = await RequirePermissionAsync(actorId, P.ManageRoles);
        var role = S.Roles.FirstOrDefault(r => r.Id == roleId) ?? throw ChaosException.NotFound("role");
        var isEveryone = roleId == CommunityId;
        if (!isEveryone && !PermissionCalculator.CanManageRole(actor, role.Position))
        {
            throw new ChaosException(ErrorCodes.Forbidden, "You can only manage roles below your own highest role.");
        }

        if (isEveryone && (change.Name is not null || change.Position is not null))
        {
            throw ChaosException.Validation(change.Name is not null ? "name" : "position", "The @everyone role can only change its permissions, color and mentionable.");
        }

        if (change.Name is not null)
        {
            ChaosException.ThrowIfInvalid("name", CommunityRules.CheckRoleName(change.Name));
        }

        ValidateColor(change.Color);
        var changes = new Dictionary<string, AuditChange>();
        var updated = role;
        if (change.Name is not null && change.Name.Trim() != role.Name)
        {
            changes["name"] = new(role.Name, change.Name.Trim());
            updated = updated with { Name = change.Name.Trim() };
        }

        if (change.Permissions is { } permissions && permissions != role.Permissions)
        {
            // Granting is limited to what the actor holds; removing is not.
            RequireHeld(actor, permissions & ~role.Permissions, null);
            changes["permissions"] = new(PermissionSets.Format(role.Permissions), PermissionSets.Format(permissions));
            updated = updated with { Permissions = permissions };
        }

        if (change.Color is { } color && color != role.Color)
        {
            changes["color"] = new(Str(role.Color), Str(color));
            updated = updated with { Color = color };
        }

        if (change.Mentionable is { } mentionable && mentionable != role.Mentionable)
        {
            changes["mentionable"] = new(role.Mentionable ? "true" : "false", mentionable ? "true" : "false");
            updated = updated with { Mentionable = mentionable };
        }

        var roles = S.Roles.Select(r => r.Id == roleId ? updated : r).ToList();
        if (change.Position is { } position && position != role.Position)
        {
            if (position < 1 || !PermissionCalculator.CanManageRole(actor, position))
            {
                throw new ChaosException(ErrorCodes.Forbidden, "A role can only be placed below your own highest role.");
            }

            changes["position"] = new(Str(role.Position), Str(position));
            roles = RoleOrder.Insert(roles.Where(r => r.Id != roleId), updated, position, CommunityId);
        }

        if (changes.Count > 0)
        {
            S.Roles = roles;
            await CommitAsync(
                new(actorId, "role.update", roleId, changes),
                (GatewayEvents.RoleUpdated, new RoleEvent(CommunityId, S.Roles.Single(r => r.Id == roleId))),
                access: new(null, S.Channels));
        }

        return S.Roles.Single(r => r.Id == roleId);
    }

    public async Task DeleteRoleAsync(long actorId, long roleId)
    {
        EnsureExists();
        var actor = await RequirePermissionAsync(actorId, P.ManageRoles);
        var role = S.Roles.FirstOrDefault(r => r.Id == roleId) ?? throw ChaosException.NotFound("role");
        if (roleId == CommunityId)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "The @everyone role cannot be deleted.");
        }

        if (!PermissionCalculator.CanManageRole(actor, role.Position))
        {
            throw new ChaosException(ErrorCodes.Forbidden, "You can only manage roles below your own highest role.");
        }

        S.Roles = RoleOrder.Renumber(S.Roles.Where(r => r.Id != roleId), CommunityId);
        S.Channels = S.Channels.Select(c => c.Overwrites.Any(o => o.Id == roleId) ? c with { Overwrites = [.. c.Overwrites.Where(o => o.Id != roleId)] } : c).ToList();
        await CommitAsync(
            new(actorId, "role.delete", roleId, new() { ["name"] = new(role.Name, null) }),
            (GatewayEvents.RoleDeleted, new EntityDeleted(roleId, CommunityId)),
            access: new(null, S.Channels),
            then: async () =>
            {
                await store.RemoveRoleEverywhereAsync(CommunityId, roleId);
                ForgetMembers();
            });
    }

    public Task<Member> AddMemberRoleAsync(long actorId, long userId, long roleId) => ChangeMemberRoleAsync(actorId, userId, roleId, add: true);

    public Task<Member> RemoveMemberRoleAsync(long actorId, long userId, long roleId) => ChangeMemberRoleAsync(actorId, userId, roleId, add: false);

    private async Task<Member> ChangeMemberRoleAsync(long actorId, long userId, long roleId, bool add)
    {
        EnsureExists();
        var actor = await RequirePermissionAsync(actorId, P.ManageRoles);
        var role = S.Roles.FirstOrDefault(r => r.Id == roleId) ?? throw ChaosException.NotFound("role");
        if (roleId == CommunityId)
        {
            throw ChaosException.Validation("roleId", "Everyone has the @everyone role.");
        }

        if (!PermissionCalculator.CanManageRole(actor, role.Position))
        {
            throw new ChaosException(ErrorCodes.Forbidden, "You can only assign roles below your own highest role.");
        }

        var target = await FindMemberAsync(userId) ?? throw ChaosException.NotFound("member");
        if (userId != actorId && !actor.IsOwner)
        {
            // docs/api.md#permissions: members are managed only strictly below one's own highest role, role changes included.
            RequireHierarchy(actor, target);
        }

        var roleIds = add ? target.RoleIds.Append(roleId).Distinct().ToList() : target.RoleIds.Where(r => r != roleId).ToList();
        if (roleIds.Count == target.RoleIds.Count)
        {
            return (await ToMembersAsync([target]))[0];
        }

        var changed = target with { RoleIds = roleIds };
        var member = (await ToMembersAsync([changed]))[0];
        await CommitAsync(
            new(actorId, add ? "member.role_add" : "member.role_remove", userId, new() { ["roleId"] = add ? new(null, Str(roleId)) : new(Str(roleId), null) }),
            (GatewayEvents.MemberUpdated, member),
            access: new(userId, S.Channels),
            write: async () =>
            {
                await store.SetMemberRolesAsync(CommunityId, userId, roleIds);
                ForgetMember(userId);
                Cache(changed);
            });
        return member;
    }

    private static void ValidateColor(int? color)
    {
        if (color is < 0 or > CommunityRules.MaxColor)
        {
            throw ChaosException.Validation("color", "Color is an RGB integer from 0 to 16777215.");
        }
    }
}
