using Chaos.Errors;
using Chaos.Gateway;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Communities;

/// <summary>The community's members: listing them, and how they go (leave, kick, ban) or are let back (unban).</summary>
internal sealed partial class CommunityGrain
{
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
        ChaosException.ThrowIfInvalid("reason", CommunityRules.CheckReason(reason));
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
        ChaosException.ThrowIfInvalid("reason", CommunityRules.CheckReason(reason));
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
            ForgetMember(userId);
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

    private async Task RemoveMemberAsync(long userId)
    {
        if (await store.RemoveMemberAsync(CommunityId, userId))
        {
            S.MemberCount = Math.Max(0, S.MemberCount - 1);
            await state.WriteStateAsync();
        }

        ForgetMember(userId);
    }

    /// <summary>
    /// The member's cached permissions go first, so no channel lets anything more of theirs through; then they hear why
    /// they left, before the access change cuts them off.
    /// </summary>
    private async Task MemberGoneAsync(long userId, string reason)
    {
        var change = new AccessChanged(CommunityId, userId, ids.NextId());
        await ChangeAccessAsync(change, S.Channels);
        await PublishAsync(GatewayEvents.MemberLeft, new MemberLeft(CommunityId, userId, reason));
        await AnnounceAccessChangedAsync(change, S.Channels);
        await GrainFactory.GetGrain<Voice.IVoiceMemberGrain>(userId).EvictAsync(CommunityId);
    }
}
