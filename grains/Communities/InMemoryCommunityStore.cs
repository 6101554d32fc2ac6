namespace Chaos.Communities;

/// <summary>The standalone in-memory twin of <see cref="PostgresCommunityStore"/>; no other mode uses it.</summary>
public sealed class InMemoryCommunityStore : ICommunityStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, SortedDictionary<long, MemberRecord>> members = [];
    private readonly Dictionary<long, SortedDictionary<long, BanRecord>> bans = [];
    private readonly Dictionary<long, SortedDictionary<long, AuditEntry>> audit = [];

    public Task<bool> AddMemberAsync(long communityId, long userId, DateTimeOffset joinedAt)
    {
        lock (gate)
        {
            return Task.FromResult(Of(members, communityId).TryAdd(userId, new MemberRecord(communityId, userId, null, [], joinedAt)));
        }
    }

    public Task<bool> RemoveMemberAsync(long communityId, long userId)
    {
        lock (gate)
        {
            return Task.FromResult(Of(members, communityId).Remove(userId));
        }
    }

    public Task<MemberRecord?> GetMemberAsync(long communityId, long userId)
    {
        lock (gate)
        {
            return Task.FromResult(Of(members, communityId).GetValueOrDefault(userId));
        }
    }

    public Task<IReadOnlyList<MemberRecord>> GetMembersAsync(long communityId, long after, int limit)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<MemberRecord>>([.. Of(members, communityId).Values.Where(m => m.UserId > after).Take(limit)]);
        }
    }

    public Task SetMemberRolesAsync(long communityId, long userId, IReadOnlyList<long> roleIds)
    {
        lock (gate)
        {
            var map = Of(members, communityId);
            if (map.TryGetValue(userId, out var member))
            {
                map[userId] = member with { RoleIds = [.. roleIds] };
            }
        }

        return Task.CompletedTask;
    }

    public Task RemoveRoleEverywhereAsync(long communityId, long roleId)
    {
        lock (gate)
        {
            var map = Of(members, communityId);
            foreach (var member in map.Values.Where(m => m.RoleIds.Contains(roleId)).ToList())
            {
                map[member.UserId] = member with { RoleIds = [.. member.RoleIds.Where(r => r != roleId)] };
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<long>> GetCommunityIdsOfUserAsync(long userId)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<long>>(
                [.. members.Where(c => c.Value.ContainsKey(userId)).Select(c => c.Key).Order().Take(CommunityRules.MaxCommunitiesPerUser + 1)]);
        }
    }

    public Task DeleteCommunityAsync(long communityId)
    {
        lock (gate)
        {
            members.Remove(communityId);
            bans.Remove(communityId);
            audit.Remove(communityId);
        }

        return Task.CompletedTask;
    }

    public Task<bool> BanAsync(BanRecord ban)
    {
        lock (gate)
        {
            // A repeated ban takes the new moderator and reason but keeps when the ban began, as PostgreSQL's upsert does.
            var map = Of(bans, ban.CommunityId);
            map[ban.UserId] = map.TryGetValue(ban.UserId, out var existing) ? ban with { CreatedAt = existing.CreatedAt } : ban;
            return Task.FromResult(Of(members, ban.CommunityId).Remove(ban.UserId));
        }
    }

    public Task<bool> UnbanAsync(long communityId, long userId)
    {
        lock (gate)
        {
            return Task.FromResult(Of(bans, communityId).Remove(userId));
        }
    }

    public Task<bool> IsBannedAsync(long communityId, long userId)
    {
        lock (gate)
        {
            return Task.FromResult(Of(bans, communityId).ContainsKey(userId));
        }
    }

    public Task<IReadOnlyList<BanRecord>> GetBansAsync(long communityId, long after, int limit)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<BanRecord>>([.. Of(bans, communityId).Values.Where(b => b.UserId > after).Take(limit)]);
        }
    }

    public Task AppendAuditAsync(AuditEntry entry)
    {
        lock (gate)
        {
            Of(audit, entry.CommunityId)[entry.Id] = entry;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> GetAuditAsync(long communityId, long? before, int limit)
    {
        lock (gate)
        {
            var page = Of(audit, communityId).Values.Where(e => e.Id < (before ?? long.MaxValue)).TakeLast(limit).ToList();
            return Task.FromResult<IReadOnlyList<AuditEntry>>(page);
        }
    }

    private static SortedDictionary<long, T> Of<T>(Dictionary<long, SortedDictionary<long, T>> map, long communityId)
    {
        if (!map.TryGetValue(communityId, out var inner))
        {
            inner = [];
            map[communityId] = inner;
        }

        return inner;
    }
}
