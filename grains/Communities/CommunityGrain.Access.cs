using Chaos.Errors;
using Chaos.Permissions;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Communities;

/// <summary>Who may do what here: member look-ups (cached), permission and hierarchy checks, and the permissions channel grains ask for.</summary>
internal sealed partial class CommunityGrain
{
    /// <summary>Members whose rows were read recently; cleared when full, so it never grows past this.</summary>
    private const int MaxCachedMembers = 10_000;

    private readonly Dictionary<long, MemberRecord> memberCache = [];
    private readonly SharedLookups<long, MemberRecord?> memberLookups = new();
    private long memberChanges;

    public async Task<P> GetPermissionsAsync(long actorId, long? channelId)
    {
        EnsureExists();
        var member = await RequireMemberAsync(actorId);
        return channelId is { } id
            ? PermissionCalculator.ComputeChannel(Context(member), FindChannel(id).Overwrites.Select(o => o.ToPermissionOverwrite()).ToList())
            : PermissionCalculator.ComputeBase(Context(member));
    }

    public async Task<ReadableChannels> GetReadableChannelsAsync(long actorId)
    {
        EnsureExists();
        var member = Context(await RequireMemberAsync(actorId));
        var held = S.Channels
            .Select(c => (c.Id, Permissions: PermissionCalculator.ComputeChannel(member, c.Overwrites.Select(o => o.ToPermissionOverwrite()).ToList())))
            .Where(c => c.Permissions.HasFlag(P.ViewChannel | P.ReadMessageHistory))
            .ToList();
        return new ReadableChannels([.. held.Select(c => c.Id)], [CommunityId, .. member.MemberRoleIds], PermissionCalculator.ComputeBase(member).HasFlag(P.MentionEveryone))
        {
            ManagedChannelIds = [.. held.Where(c => c.Permissions.HasFlag(P.ManageMessages)).Select(c => c.Id)],
        };
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

    public Task<Ai.ModerationMode> GetModerationModeAsync(long channelId)
    {
        if (!Exists || S.Channels.Find(c => c.Id == channelId) is not { AiExcluded: false })
        {
            return Task.FromResult(Ai.ModerationMode.Off);
        }

        return Task.FromResult((S.Ai ?? Ai.CommunityAiSettings.Off).Moderation);
    }

    public Task<bool> IsAiExcludedAsync(long channelId) =>
        Task.FromResult(!Exists || S.Channels.Find(c => c.Id == channelId) is not { AiExcluded: false });

    public async Task<IReadOnlyList<long>> WhoHoldsAsync(IReadOnlyList<long> userIds, long channelId, P needed)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        EnsureExists();
        var overwrites = FindChannel(channelId).Overwrites.Select(o => o.ToPermissionOverwrite()).ToList();
        var holders = new List<long>();
        foreach (var userId in userIds.Distinct().Take(MaxCachedMembers))
        {
            if (await FindMemberAsync(userId) is { } member && PermissionCalculator.ComputeChannel(Context(member), overwrites).HasFlag(needed))
            {
                holders.Add(userId);
            }
        }

        return holders;
    }

    private void EnsureExists()
    {
        if (!Exists)
        {
            throw ChaosException.NotFound("community");
        }
    }

    /// <summary>
    /// The member row, cached. Permission reads interleave, so the first reads after activation (a burst of sends into a
    /// channel, each asking for its author's permissions) share one storage query per user instead of taking one
    /// database connection each.
    /// </summary>
    private Task<MemberRecord?> FindMemberAsync(long userId)
    {
        if (memberCache.TryGetValue(userId, out var cached))
        {
            return Task.FromResult<MemberRecord?>(cached);
        }

        return memberLookups.GetOrStart(userId, async () =>
        {
            var changesBefore = memberChanges;
            var row = await store.GetMemberAsync(CommunityId, userId);
            if (row is null && userId == S.OwnerId)
            {
                row = new MemberRecord(CommunityId, userId, null, [], S.CreatedAt);
            }

            // Not cached when a member changed meanwhile: the row read may predate the change.
            if (row is not null && changesBefore == memberChanges)
            {
                Cache(row);
            }

            return row;
        });
    }

    /// <summary>A member's row changed: drop what is cached or being read of it.</summary>
    private void ForgetMember(long userId)
    {
        memberChanges++;
        memberCache.Remove(userId);
        memberLookups.Forget(userId);
    }

    /// <summary>Member rows changed in bulk.</summary>
    private void ForgetMembers()
    {
        memberChanges++;
        memberCache.Clear();
        memberLookups.ForgetAll();
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
}
