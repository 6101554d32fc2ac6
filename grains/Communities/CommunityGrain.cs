using System.Globalization;
using System.Security.Cryptography;
using Chaos.Accounts;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Chaos.Ids;
using Chaos.Permissions;
using Orleans.Streams;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Communities;

internal sealed class CommunityGrain(
    [PersistentState("community", ChaosProviders.GrainStorage)] IPersistentState<CommunityState> state,
    ICommunityStore store,
    IUserDirectory users,
    IIdGenerator ids,
    TimeProvider time) : Grain, ICommunityGrain
{
    /// <summary>Members whose rows were read recently; cleared when full, so it never grows past this.</summary>
    private const int MaxCachedMembers = 10_000;
    private const string InviteAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly Dictionary<long, MemberRecord> memberCache = [];

    private long CommunityId => this.GetPrimaryKeyLong();

    private CommunityState S => state.State;

    private bool Exists => state.RecordExists && S.OwnerId != 0 && !S.Deleted;

    public async Task<Community> CreateAsync(long ownerId, string name, string? description)
    {
        if (state.RecordExists && S.OwnerId != 0)
        {
            throw new ChaosException(ErrorCodes.Conflict, "This community already exists.");
        }

        Validate("name", CommunityRules.CheckName(name));
        Validate("description", CommunityRules.CheckDescription(description));
        if ((await store.GetCommunityIdsOfUserAsync(ownerId)).Count >= CommunityRules.MaxCommunitiesPerUser)
        {
            throw new ChaosException(ErrorCodes.Forbidden, $"A user may be in at most {CommunityRules.MaxCommunitiesPerUser} communities.");
        }

        var now = time.GetUtcNow();
        state.State = new CommunityState
        {
            Name = name.Trim(),
            Description = description ?? string.Empty,
            OwnerId = ownerId,
            CreatedAt = now,
            MemberCount = 1,
            Roles = [new Role(CommunityId, "@everyone", PermissionSets.EveryoneDefault, 0, 0, false)],
            Channels =
            [
                new Channel(ids.NextId(), ChannelType.Text, CommunityId, "general", null, 0, [], null),
                new Channel(ids.NextId(), ChannelType.Voice, CommunityId, "General", null, 1, [], null),
            ],
        };
        await state.WriteStateAsync();
        await store.AddMemberAsync(CommunityId, ownerId, now);
        foreach (var channel in S.Channels)
        {
            await GrainFactory.GetGrain<IChannelGrain>(channel.Id).AttachAsync(CommunityId, channel.Type);
        }

        return await ViewForAsync(ownerId);
    }

    public async Task<Community> GetAsync(long actorId)
    {
        EnsureExists();
        await RequireMemberAsync(actorId);
        return await ViewForAsync(actorId);
    }

    public async Task<Community> UpdateAsync(long actorId, string? name, string? description)
    {
        EnsureExists();
        await RequirePermissionAsync(actorId, P.ManageCommunity);
        if (name is not null)
        {
            Validate("name", CommunityRules.CheckName(name));
        }

        Validate("description", CommunityRules.CheckDescription(description));
        var changes = new Dictionary<string, AuditChange>();
        if (name is not null && name.Trim() != S.Name)
        {
            changes["name"] = new AuditChange(S.Name, name.Trim());
            S.Name = name.Trim();
        }

        if (description is not null && description != S.Description)
        {
            changes["description"] = new AuditChange(S.Description, description);
            S.Description = description;
        }

        if (changes.Count > 0)
        {
            await state.WriteStateAsync();
            await AuditAsync(actorId, "community.update", CommunityId, null, changes);
            await PublishAsync(GatewayEvents.CommunityUpdated, Summary());
        }

        return await ViewForAsync(actorId);
    }

    public async Task DeleteAsync(long actorId)
    {
        EnsureExists();
        await RequireMemberAsync(actorId);
        if (actorId != S.OwnerId)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "Only the owner can delete a community.");
        }

        var channels = S.Channels.ToList();
        var invites = S.Invites.ToList();
        S.Deleted = true;
        S.Channels = [];
        S.Invites = [];
        S.Roles = [];
        S.MemberCount = 0;
        await state.WriteStateAsync();
        await store.DeleteCommunityAsync(CommunityId);
        memberCache.Clear();
        await Task.WhenAll(channels.Select(c => GrainFactory.GetGrain<IChannelGrain>(c.Id).DetachAsync()));
        await Task.WhenAll(invites.Select(i => GrainFactory.GetGrain<IInviteGrain>(InviteKey.For(i.Code)).ClearAsync()));
        await PublishAsync(GatewayEvents.CommunityDeleted, new CommunityDeleted(CommunityId));
        await AccessChangedAsync(null, channels);
    }

    public async Task<Channel> CreateChannelAsync(long actorId, string name, ChannelType type, string? topic, int? position)
    {
        EnsureExists();
        await RequirePermissionAsync(actorId, P.ManageChannels);
        Validate("name", CommunityRules.CheckChannelName(name));
        Validate("topic", CommunityRules.CheckTopic(topic));
        if (type is not (ChannelType.Text or ChannelType.Voice))
        {
            throw ChaosException.Validation("type", "A community channel is \"text\" or \"voice\".");
        }

        if (S.Channels.Count >= CommunityRules.MaxChannels)
        {
            throw ChaosException.Validation("name", $"A community has at most {CommunityRules.MaxChannels} channels.");
        }

        var channel = new Channel(ids.NextId(), type, CommunityId, name.Trim(), string.IsNullOrEmpty(topic) ? null : topic, 0, [], null);
        S.Channels = Reposition(S.Channels, channel, position ?? S.Channels.Count);
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IChannelGrain>(channel.Id).AttachAsync(CommunityId, type);
        await AuditAsync(actorId, "channel.create", channel.Id, null, new() { ["name"] = new(null, channel.Name), ["type"] = new(null, Lower(type)) });
        var created = S.Channels.Single(c => c.Id == channel.Id);
        await AccessChangedAsync(null, [created]);
        await PublishAsync(GatewayEvents.ChannelCreated, created);
        return created;
    }

    public async Task<Channel> GetChannelAsync(long actorId, long channelId)
    {
        EnsureExists();
        var channel = FindChannel(channelId);
        await RequirePermissionAsync(actorId, P.ViewChannel, channelId);
        return channel;
    }

    public async Task<Channel> UpdateChannelAsync(long actorId, long channelId, ChannelChange change)
    {
        EnsureExists();
        var channel = FindChannel(channelId);
        await RequirePermissionAsync(actorId, P.ManageChannels, channelId);
        if (change.Name is not null)
        {
            Validate("name", CommunityRules.CheckChannelName(change.Name));
        }

        Validate("topic", CommunityRules.CheckTopic(change.Topic));
        var changes = new Dictionary<string, AuditChange>();
        var updated = channel;
        if (change.Name is not null && change.Name.Trim() != channel.Name)
        {
            changes["name"] = new(channel.Name, change.Name.Trim());
            updated = updated with { Name = change.Name.Trim() };
        }

        if (change.Topic is not null && (string.IsNullOrEmpty(change.Topic) ? null : change.Topic) != channel.Topic)
        {
            changes["topic"] = new(channel.Topic, change.Topic);
            updated = updated with { Topic = string.IsNullOrEmpty(change.Topic) ? null : change.Topic };
        }

        var list = S.Channels.Select(c => c.Id == channelId ? updated : c).ToList();
        if (change.Position is { } position && position != channel.Position)
        {
            changes["position"] = new(Str(channel.Position), Str(position));
            list = Reposition(list.Where(c => c.Id != channelId).ToList(), updated, position);
        }

        if (changes.Count > 0)
        {
            S.Channels = list;
            await state.WriteStateAsync();
            await AuditAsync(actorId, "channel.update", channelId, null, changes);
            await PublishAsync(GatewayEvents.ChannelUpdated, FindChannel(channelId));
        }

        return FindChannel(channelId);
    }

    public async Task DeleteChannelAsync(long actorId, long channelId)
    {
        EnsureExists();
        var channel = FindChannel(channelId);
        await RequirePermissionAsync(actorId, P.ManageChannels, channelId);
        S.Channels = Renumber(S.Channels.Where(c => c.Id != channelId));
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IChannelGrain>(channelId).DetachAsync();
        await AuditAsync(actorId, "channel.delete", channelId, null, new() { ["name"] = new(channel.Name, null) });
        await PublishAsync(GatewayEvents.ChannelDeleted, new EntityDeleted(channelId, CommunityId));
        await AccessChangedAsync(null, [channel]);
    }

    public async Task<Channel> SetOverwriteAsync(long actorId, long channelId, ChannelOverwrite overwrite)
    {
        EnsureExists();
        var channel = FindChannel(channelId);
        var actor = await RequirePermissionAsync(actorId, P.ManageRoles, channelId);
        if (overwrite.Type == OverwriteType.Role && S.Roles.All(r => r.Id != overwrite.Id))
        {
            throw ChaosException.NotFound("role");
        }

        if (overwrite.Type == OverwriteType.Member && await FindMemberAsync(overwrite.Id) is null)
        {
            throw ChaosException.NotFound("member");
        }

        RequireHeld(actor, (overwrite.Allow | overwrite.Deny) & ~P.Administrator, channelId);
        if ((overwrite.Allow | overwrite.Deny).HasFlag(P.Administrator))
        {
            throw ChaosException.Validation("allow", "Administrator cannot be set per channel.");
        }

        var existing = channel.Overwrites.FirstOrDefault(o => o.Id == overwrite.Id);
        if (existing is null && channel.Overwrites.Count >= CommunityRules.MaxOverwritesPerChannel)
        {
            throw ChaosException.Validation("targetId", $"A channel has at most {CommunityRules.MaxOverwritesPerChannel} overwrites.");
        }

        var updated = channel with { Overwrites = [.. channel.Overwrites.Where(o => o.Id != overwrite.Id), overwrite] };
        S.Channels = S.Channels.Select(c => c.Id == channelId ? updated : c).ToList();
        await state.WriteStateAsync();
        await AuditAsync(actorId, "overwrite.update", channelId, null, new()
        {
            ["targetId"] = new(null, Str(overwrite.Id)),
            ["allow"] = new(existing is null ? null : PermissionSets.Format(existing.Allow), PermissionSets.Format(overwrite.Allow)),
            ["deny"] = new(existing is null ? null : PermissionSets.Format(existing.Deny), PermissionSets.Format(overwrite.Deny)),
        });
        await AccessChangedAsync(overwrite.Type == OverwriteType.Member ? overwrite.Id : null, [updated]);
        await PublishAsync(GatewayEvents.ChannelUpdated, updated);
        return updated;
    }

    public async Task<Channel> DeleteOverwriteAsync(long actorId, long channelId, long targetId)
    {
        EnsureExists();
        var channel = FindChannel(channelId);
        await RequirePermissionAsync(actorId, P.ManageRoles, channelId);
        var existing = channel.Overwrites.FirstOrDefault(o => o.Id == targetId) ?? throw ChaosException.NotFound("overwrite");
        var updated = channel with { Overwrites = [.. channel.Overwrites.Where(o => o.Id != targetId)] };
        S.Channels = S.Channels.Select(c => c.Id == channelId ? updated : c).ToList();
        await state.WriteStateAsync();
        await AuditAsync(actorId, "overwrite.delete", channelId, null, new()
        {
            ["targetId"] = new(Str(targetId), null),
            ["allow"] = new(PermissionSets.Format(existing.Allow), null),
            ["deny"] = new(PermissionSets.Format(existing.Deny), null),
        });
        await AccessChangedAsync(existing.Type == OverwriteType.Member ? targetId : null, [updated]);
        await PublishAsync(GatewayEvents.ChannelUpdated, updated);
        return updated;
    }

    public async Task<Role> CreateRoleAsync(long actorId, RoleChange change)
    {
        EnsureExists();
        var actor = await RequirePermissionAsync(actorId, P.ManageRoles);
        Validate("name", CommunityRules.CheckRoleName(change.Name ?? "new role"));
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
        S.Roles = RepositionRoles(S.Roles, role, position);
        await state.WriteStateAsync();
        await AuditAsync(actorId, "role.create", role.Id, null, new()
        {
            ["name"] = new(null, role.Name),
            ["permissions"] = new(null, PermissionSets.Format(permissions)),
        });
        var created = S.Roles.Single(r => r.Id == role.Id);
        await PublishAsync(GatewayEvents.RoleCreated, new RoleEvent(CommunityId, created));
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
            Validate("name", CommunityRules.CheckRoleName(change.Name));
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
            roles = RepositionRoles(roles.Where(r => r.Id != roleId).ToList(), updated, position);
        }

        if (changes.Count > 0)
        {
            S.Roles = roles;
            await state.WriteStateAsync();
            await AuditAsync(actorId, "role.update", roleId, null, changes);
            await AccessChangedAsync(null, S.Channels);
            await PublishAsync(GatewayEvents.RoleUpdated, new RoleEvent(CommunityId, S.Roles.Single(r => r.Id == roleId)));
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

        S.Roles = RenumberRoles(S.Roles.Where(r => r.Id != roleId));
        S.Channels = S.Channels.Select(c => c.Overwrites.Any(o => o.Id == roleId) ? c with { Overwrites = [.. c.Overwrites.Where(o => o.Id != roleId)] } : c).ToList();
        await state.WriteStateAsync();
        await store.RemoveRoleEverywhereAsync(CommunityId, roleId);
        memberCache.Clear();
        await AuditAsync(actorId, "role.delete", roleId, null, new() { ["name"] = new(role.Name, null) });
        await AccessChangedAsync(null, S.Channels);
        await PublishAsync(GatewayEvents.RoleDeleted, new EntityDeleted(roleId, CommunityId));
    }

    public Task<Member> AddMemberRoleAsync(long actorId, long userId, long roleId) => ChangeMemberRoleAsync(actorId, userId, roleId, add: true);

    public Task<Member> RemoveMemberRoleAsync(long actorId, long userId, long roleId) => ChangeMemberRoleAsync(actorId, userId, roleId, add: false);

    public async Task<IReadOnlyList<Member>> GetMembersAsync(long actorId, long? after, int limit)
    {
        EnsureExists();
        await RequireMemberAsync(actorId);
        var rows = await store.GetMembersAsync(CommunityId, after ?? 0, Math.Clamp(limit, 1, CommunityRules.MaxPageSize));
        return await ToMembersAsync(rows);
    }

    public async Task<Member> GetMemberAsync(long actorId, long userId)
    {
        EnsureExists();
        await RequireMemberAsync(actorId);
        var row = await FindMemberAsync(userId) ?? throw ChaosException.NotFound("member");
        return (await ToMembersAsync([row]))[0];
    }

    public async Task LeaveAsync(long userId)
    {
        EnsureExists();
        await RequireMemberAsync(userId);
        if (userId == S.OwnerId)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "The owner cannot leave; delete the community instead.");
        }

        await RemoveMemberAsync(userId);
        await MemberGoneAsync(userId, "left");
    }

    public async Task KickAsync(long actorId, long userId, string? reason)
    {
        EnsureExists();
        Validate("reason", CommunityRules.CheckReason(reason));
        var actor = await RequirePermissionAsync(actorId, P.KickMembers);
        var target = await FindMemberAsync(userId) ?? throw ChaosException.NotFound("member");
        RequireHierarchy(actor, target);
        await RemoveMemberAsync(userId);
        await AuditAsync(actorId, "member.kick", userId, reason, []);
        await MemberGoneAsync(userId, "kicked");
    }

    public async Task BanAsync(long actorId, long userId, string? reason)
    {
        EnsureExists();
        Validate("reason", CommunityRules.CheckReason(reason));
        var actor = await RequirePermissionAsync(actorId, P.BanMembers);
        if (userId == S.OwnerId || userId == actorId)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "Neither the owner nor yourself can be banned.");
        }

        var target = await FindMemberAsync(userId);
        if (target is not null)
        {
            RequireHierarchy(actor, target);
        }
        else if ((await users.GetManyAsync([userId])).Count == 0)
        {
            throw ChaosException.NotFound("user");
        }

        if (await store.BanAsync(new BanRecord(CommunityId, userId, actorId, reason, time.GetUtcNow())))
        {
            memberCache.Remove(userId);
            S.MemberCount = Math.Max(0, S.MemberCount - 1);
            await state.WriteStateAsync();
        }

        await AuditAsync(actorId, "member.ban", userId, reason, []);
        if (target is not null)
        {
            await MemberGoneAsync(userId, "banned");
        }
    }

    public async Task UnbanAsync(long actorId, long userId)
    {
        EnsureExists();
        await RequirePermissionAsync(actorId, P.BanMembers);
        if (!await store.UnbanAsync(CommunityId, userId))
        {
            throw ChaosException.NotFound("ban");
        }

        await AuditAsync(actorId, "member.unban", userId, null, []);
    }

    public async Task<IReadOnlyList<Ban>> GetBansAsync(long actorId, long? after, int limit)
    {
        EnsureExists();
        await RequirePermissionAsync(actorId, P.BanMembers);
        var rows = await store.GetBansAsync(CommunityId, after ?? 0, Math.Clamp(limit, 1, 1000));
        var profiles = await users.GetManyAsync(rows.Select(r => r.UserId).ToList());
        return rows.Select(r => new Ban(Profile(profiles, r.UserId), r.Reason, r.CreatedAt)).ToList();
    }

    public async Task<Invite> CreateInviteAsync(long actorId, int maxUses, int maxAgeSeconds)
    {
        EnsureExists();
        await RequirePermissionAsync(actorId, P.CreateInvites);
        if (maxUses is < 0 or > CommunityRules.MaxInviteUses)
        {
            throw ChaosException.Validation("maxUses", $"maxUses is 0 (unlimited) to {CommunityRules.MaxInviteUses}.");
        }

        if (maxAgeSeconds is < 0 or > CommunityRules.MaxInviteAgeSeconds)
        {
            throw ChaosException.Validation("maxAgeSeconds", $"maxAgeSeconds is 0 (never expires) to {CommunityRules.MaxInviteAgeSeconds}.");
        }

        var now = time.GetUtcNow();
        S.Invites.RemoveAll(i => !IsUsable(i, now));
        if (S.Invites.Count >= CommunityRules.MaxInvites)
        {
            throw ChaosException.Validation("maxUses", $"A community has at most {CommunityRules.MaxInvites} active invites.");
        }

        var invite = new Invite(RandomNumberGenerator.GetString(InviteAlphabet, InviteKey.CodeLength), CommunityId, actorId, maxUses, 0, maxAgeSeconds == 0 ? null : now.AddSeconds(maxAgeSeconds), now);
        await GrainFactory.GetGrain<IInviteGrain>(InviteKey.For(invite.Code)).SetCommunityAsync(CommunityId);
        S.Invites.Add(invite);
        await state.WriteStateAsync();
        await AuditAsync(actorId, "invite.create", null, null, new() { ["code"] = new(null, invite.Code), ["maxUses"] = new(null, Str(maxUses)), ["maxAgeSeconds"] = new(null, Str(maxAgeSeconds)) });
        return invite;
    }

    public async Task<IReadOnlyList<Invite>> GetInvitesAsync(long actorId)
    {
        EnsureExists();
        await RequirePermissionAsync(actorId, P.ManageCommunity);
        var now = time.GetUtcNow();
        return S.Invites.Where(i => IsUsable(i, now)).ToList();
    }

    public async Task RevokeInviteAsync(long actorId, string code)
    {
        EnsureExists();
        var invite = S.Invites.FirstOrDefault(i => i.Code == code) ?? throw new ChaosException(ErrorCodes.InviteInvalid, "This invite is unknown, expired, used up or revoked.");
        if (invite.InviterId != actorId)
        {
            await RequirePermissionAsync(actorId, P.ManageCommunity);
        }
        else
        {
            await RequireMemberAsync(actorId);
        }

        S.Invites.Remove(invite);
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IInviteGrain>(InviteKey.For(code)).ClearAsync();
        await AuditAsync(actorId, "invite.delete", null, null, new() { ["code"] = new(code, null) });
    }

    public async Task<Community> AcceptInviteAsync(long userId, string code)
    {
        var now = time.GetUtcNow();
        var invite = Exists ? S.Invites.FirstOrDefault(i => i.Code == code) : null;
        if (invite is null || !IsUsable(invite, now))
        {
            throw new ChaosException(ErrorCodes.InviteInvalid, "This invite is unknown, expired, used up or revoked.");
        }

        if (await FindMemberAsync(userId) is not null)
        {
            return await ViewForAsync(userId);
        }

        if (await store.IsBannedAsync(CommunityId, userId))
        {
            throw new ChaosException(ErrorCodes.Banned, "You are banned from this community.");
        }

        if ((await store.GetCommunityIdsOfUserAsync(userId)).Count >= CommunityRules.MaxCommunitiesPerUser)
        {
            throw new ChaosException(ErrorCodes.Forbidden, $"A user may be in at most {CommunityRules.MaxCommunitiesPerUser} communities.");
        }

        if (await store.AddMemberAsync(CommunityId, userId, now))
        {
            S.MemberCount++;
            var used = invite with { Uses = invite.Uses + 1 };
            S.Invites[S.Invites.IndexOf(invite)] = used;
            await state.WriteStateAsync();
            var member = (await ToMembersAsync([await RequireMemberAsync(userId)]))[0];
            await AccessChangedAsync(userId, S.Channels);
            await PublishAsync(GatewayEvents.MemberJoined, member);
            await Stream(ChaosProviders.UserNamespace, userId).OnNextAsync(GatewayEvent.Control(new MembershipChanged(CommunityId, userId, ids.NextId())));
        }

        return await ViewForAsync(userId);
    }

    public Task<InvitePreview> PreviewInviteAsync(string code)
    {
        var invite = Exists ? S.Invites.FirstOrDefault(i => i.Code == code) : null;
        if (invite is null || !IsUsable(invite, time.GetUtcNow()))
        {
            throw new ChaosException(ErrorCodes.InviteInvalid, "This invite is unknown, expired, used up or revoked.");
        }

        return Task.FromResult(new InvitePreview(invite.Code, CommunityId, invite.InviterId, invite.MaxUses, invite.Uses, invite.ExpiresAt, new CommunitySummary(CommunityId, S.Name, S.Description, S.MemberCount)));
    }

    public async Task<IReadOnlyList<AuditEntry>> GetAuditLogAsync(long actorId, long? before, int limit)
    {
        EnsureExists();
        await RequirePermissionAsync(actorId, P.ViewAuditLog);
        return await store.GetAuditAsync(CommunityId, before, Math.Clamp(limit, 1, CommunityRules.MaxPageSize));
    }

    public async Task<P> GetPermissionsAsync(long actorId, long? channelId)
    {
        EnsureExists();
        var member = await RequireMemberAsync(actorId);
        return channelId is { } id
            ? PermissionCalculator.ComputeChannel(Context(member), FindChannel(id).Overwrites.Select(o => o.ToPermissionOverwrite()).ToList())
            : PermissionCalculator.ComputeBase(Context(member));
    }

    public async Task<P> GetModerationPermissionsAsync(long actorId, long targetId, long channelId)
    {
        EnsureExists();
        var actor = Context(await RequireMemberAsync(actorId));
        var target = await FindMemberAsync(targetId) ?? throw ChaosException.NotFound("member");
        if (actorId != targetId)
        {
            RequireHierarchy(actor, target);
        }

        return PermissionCalculator.ComputeChannel(actor, FindChannel(channelId).Overwrites.Select(o => o.ToPermissionOverwrite()).ToList());
    }

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
            // API.md: members are managed only strictly below one's own highest role, role changes included.
            RequireHierarchy(actor, target);
        }

        var roleIds = add ? target.RoleIds.Append(roleId).Distinct().ToList() : target.RoleIds.Where(r => r != roleId).ToList();
        if (roleIds.Count != target.RoleIds.Count)
        {
            await store.SetMemberRolesAsync(CommunityId, userId, roleIds);
            target = target with { RoleIds = roleIds };
            Cache(target);
            await AuditAsync(actorId, add ? "member.role_add" : "member.role_remove", userId, null, new() { ["roleId"] = add ? new(null, Str(roleId)) : new(Str(roleId), null) });
            await AccessChangedAsync(userId, S.Channels);
            var member = (await ToMembersAsync([target]))[0];
            await PublishAsync(GatewayEvents.MemberUpdated, member);
            return member;
        }

        return (await ToMembersAsync([target]))[0];
    }

    private async Task RemoveMemberAsync(long userId)
    {
        if (await store.RemoveMemberAsync(CommunityId, userId))
        {
            S.MemberCount = Math.Max(0, S.MemberCount - 1);
            await state.WriteStateAsync();
        }

        memberCache.Remove(userId);
    }

    private void EnsureExists()
    {
        if (!Exists)
        {
            throw ChaosException.NotFound("community");
        }
    }

    private async Task<MemberRecord?> FindMemberAsync(long userId)
    {
        if (memberCache.TryGetValue(userId, out var cached))
        {
            return cached;
        }

        var row = await store.GetMemberAsync(CommunityId, userId);
        if (row is null && userId == S.OwnerId)
        {
            row = new MemberRecord(CommunityId, userId, null, [], S.CreatedAt);
        }

        if (row is not null)
        {
            Cache(row);
        }

        return row;
    }

    private void Cache(MemberRecord row)
    {
        if (memberCache.Count >= MaxCachedMembers)
        {
            memberCache.Clear();
        }

        memberCache[row.UserId] = row;
    }

    private async Task<MemberRecord> RequireMemberAsync(long userId) =>
        await FindMemberAsync(userId) ?? throw new ChaosException(ErrorCodes.NotAMember, "You are not a member of this community.");

    private async Task<MemberPermissionContext> RequirePermissionAsync(long actorId, P permission, long? channelId = null)
    {
        var member = await RequireMemberAsync(actorId);
        var context = Context(member);
        RequireHeld(context, permission, channelId);
        return context;
    }

    private void RequireHeld(MemberPermissionContext actor, P needed, long? channelId)
    {
        var held = channelId is { } id
            ? PermissionCalculator.ComputeChannel(actor, FindChannel(id).Overwrites.Select(o => o.ToPermissionOverwrite()).ToList())
            : PermissionCalculator.ComputeBase(actor);
        var missing = needed & ~held;
        if (missing != P.None)
        {
            var name = PermissionSets.Names(missing)[0];
            throw new ChaosException(ErrorCodes.MissingPermission, $"This needs the {name} permission.", name, null, null);
        }
    }

    private static void RequireHierarchy(MemberPermissionContext actor, MemberRecord target)
    {
        if (!PermissionCalculator.CanManageMember(actor, target.UserId, target.RoleIds))
        {
            throw new ChaosException(ErrorCodes.Forbidden, "You can only act on members whose highest role is below yours.");
        }
    }

    private MemberPermissionContext Context(MemberRecord member) =>
        new(member.UserId, S.OwnerId, CommunityId, S.Roles.Select(r => new RoleInfo(r.Id, r.Position, r.Permissions)).ToList(), member.RoleIds);

    private Channel FindChannel(long channelId) =>
        S.Channels.FirstOrDefault(c => c.Id == channelId) ?? throw ChaosException.NotFound("channel");

    private async Task<Community> ViewForAsync(long userId)
    {
        var member = await RequireMemberAsync(userId);
        var context = Context(member);
        var visible = S.Channels.Where(c =>
            PermissionCalculator.ComputeChannel(context, c.Overwrites.Select(o => o.ToPermissionOverwrite()).ToList()).HasFlag(P.ViewChannel)).ToList();
        return new Community(CommunityId, S.Name, S.Description, S.OwnerId, S.CreatedAt, S.MemberCount, [.. S.Roles], visible);
    }

    private async Task<IReadOnlyList<Member>> ToMembersAsync(IReadOnlyList<MemberRecord> rows)
    {
        var profiles = await users.GetManyAsync(rows.Select(r => r.UserId).ToList());
        return rows.Select(r => new Member(CommunityId, Profile(profiles, r.UserId), r.Nickname, r.RoleIds, r.JoinedAt)).ToList();
    }

    private static PublicUser Profile(IReadOnlyDictionary<long, PublicUser> profiles, long userId) =>
        profiles.TryGetValue(userId, out var profile) ? profile : new PublicUser(userId, "deleted_user", "Deleted User", Snowflake.CreatedAt(userId));

    private Task AuditAsync(long actorId, string action, long? targetId, string? reason, Dictionary<string, AuditChange> changes) =>
        store.AppendAuditAsync(new AuditEntry(ids.NextId(), CommunityId, actorId, action, targetId, reason, changes, time.GetUtcNow()));

    private Community Summary() => new(CommunityId, S.Name, S.Description, S.OwnerId, S.CreatedAt, S.MemberCount, [.. S.Roles], []);

    private IAsyncStream<GatewayEvent> Stream(string ns, long key) =>
        this.GetStreamProvider(ChaosProviders.Streams).GetStream<GatewayEvent>(StreamId.Create(ns, key));

    private Task PublishAsync(string name, object payload) =>
        Stream(ChaosProviders.CommunityNamespace, CommunityId).OnNextAsync(new GatewayEvent(name, payload, null));

    /// <summary>The member hears why they left before the access change cuts them off.</summary>
    private async Task MemberGoneAsync(long userId, string reason)
    {
        await Task.WhenAll(S.Channels.Select(c => GrainFactory.GetGrain<IChannelGrain>(c.Id).InvalidatePermissionsAsync(userId)));
        await PublishAsync(GatewayEvents.MemberLeft, new MemberLeft(CommunityId, userId, reason));
        await AccessChangedAsync(userId, S.Channels);
        await GrainFactory.GetGrain<Voice.IVoiceMemberGrain>(userId).EvictAsync(CommunityId);
    }

    /// <summary>
    /// Tells channel grains to drop cached permissions, and front doors (on the community stream and on each channel
    /// stream, ahead of anything published after it there) to re-evaluate who may see what.
    /// </summary>
    private async Task AccessChangedAsync(long? userId, IReadOnlyCollection<Channel> channels)
    {
        var changed = GatewayEvent.Control(new AccessChanged(CommunityId, userId, ids.NextId()));
        await Task.WhenAll(channels.Select(c => GrainFactory.GetGrain<IChannelGrain>(c.Id).InvalidatePermissionsAsync(userId)));
        await Stream(ChaosProviders.CommunityNamespace, CommunityId).OnNextAsync(changed);
        foreach (var channel in channels)
        {
            await Stream(ChaosProviders.ChannelNamespace, channel.Id).OnNextAsync(changed);
        }
    }

    private static bool IsUsable(Invite invite, DateTimeOffset now) =>
        (invite.MaxUses == 0 || invite.Uses < invite.MaxUses) && (invite.ExpiresAt is null || invite.ExpiresAt > now);

    /// <summary>Inserts <paramref name="channel"/> at <paramref name="position"/> and renumbers 0..n-1, so positions stay a permutation.</summary>
    private static List<Channel> Reposition(List<Channel> others, Channel channel, int position)
    {
        var ordered = others.OrderBy(c => c.Position).ToList();
        ordered.Insert(Math.Clamp(position, 0, ordered.Count), channel);

        // Number in list order: sorting again by the old positions would move the inserted channel back.
        return Number(ordered);
    }

    private static List<Channel> Renumber(IEnumerable<Channel> channels) => Number(channels.OrderBy(c => c.Position));

    private static List<Channel> Number(IEnumerable<Channel> ordered) =>
        ordered.Select((c, i) => c.Position == i ? c : c with { Position = i }).ToList();

    /// <summary>@everyone stays at 0; other roles hold 1..n with no gaps, <paramref name="role"/> inserted at <paramref name="position"/>.</summary>
    private List<Role> RepositionRoles(List<Role> others, Role role, int position)
    {
        var ordered = others.Where(r => r.Id != CommunityId).OrderBy(r => r.Position).ToList();
        ordered.Insert(Math.Clamp(position - 1, 0, ordered.Count), role);
        return [.. others.Where(r => r.Id == CommunityId), .. ordered.Select((r, i) => r with { Position = i + 1 })];
    }

    private List<Role> RenumberRoles(IEnumerable<Role> roles)
    {
        var list = roles.ToList();
        return [.. list.Where(r => r.Id == CommunityId), .. list.Where(r => r.Id != CommunityId).OrderBy(r => r.Position).Select((r, i) => r with { Position = i + 1 })];
    }

    private static void ValidateColor(int? color)
    {
        if (color is < 0 or > CommunityRules.MaxColor)
        {
            throw ChaosException.Validation("color", "Color is an RGB integer from 0 to 16777215.");
        }
    }

    private static void Validate(string field, string? error)
    {
        if (error is not null)
        {
            throw ChaosException.Validation(field, error);
        }
    }

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Lower(ChannelType type) => type.ToString().ToLowerInvariant();
}
