namespace Chaos.Communities;

/// <summary>What grows without bound in a community: members, bans and the audit log (PostgreSQL, or memory standalone).</summary>
public interface ICommunityStore
{
    /// <summary>False when the user already was a member.</summary>
    Task<bool> AddMemberAsync(long communityId, long userId, DateTimeOffset joinedAt);

    Task<bool> RemoveMemberAsync(long communityId, long userId);

    Task<MemberRecord?> GetMemberAsync(long communityId, long userId);

    /// <summary>Members ordered by user id, those above <paramref name="after"/>.</summary>
    Task<IReadOnlyList<MemberRecord>> GetMembersAsync(long communityId, long after, int limit);

    Task SetMemberRolesAsync(long communityId, long userId, IReadOnlyList<long> roleIds);

    Task RemoveRoleEverywhereAsync(long communityId, long roleId);

    /// <summary>
    /// The user's communities in id order, at most <see cref="CommunityRules.MaxCommunitiesPerUser"/> + 1 of them: enough
    /// to tell whether the user reached the limit.
    /// </summary>
    Task<IReadOnlyList<long>> GetCommunityIdsOfUserAsync(long userId);

    Task DeleteCommunityAsync(long communityId);

    /// <summary>
    /// Bans and removes the membership in one transaction; true when a membership was removed. Banning again takes the
    /// new moderator and reason and keeps when the ban began.
    /// </summary>
    Task<bool> BanAsync(BanRecord ban);

    Task<bool> UnbanAsync(long communityId, long userId);

    Task<bool> IsBannedAsync(long communityId, long userId);

    Task<IReadOnlyList<BanRecord>> GetBansAsync(long communityId, long after, int limit);

    Task AppendAuditAsync(AuditEntry entry);

    /// <summary>The <paramref name="limit"/> entries just older than <paramref name="before"/> (or the newest), oldest first.</summary>
    Task<IReadOnlyList<AuditEntry>> GetAuditAsync(long communityId, long? before, int limit);
}
