using Chaos.Accounts;
using Chaos.Ai;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Chaos.Ids;
using Chaos.Permissions;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Communities;

/// <summary>
/// One community: its lifecycle (create, read, update, delete) and the views it hands out. The other concerns live in
/// the partial files beside this one: <c>.Channels</c>, <c>.Roles</c>, <c>.Members</c>, <c>.Invites</c>, <c>.Access</c>
/// (who may do what) and <c>.Changes</c> (how a change is written, audited and published).
/// </summary>
internal sealed partial class CommunityGrain(
    [PersistentState("community", ChaosProviders.GrainStorage)] IPersistentState<CommunityState> state,
    ICommunityStore store,
    IUserDirectory users,
    IIdGenerator ids,
    TimeProvider time) : Grain, ICommunityGrain
{
    private long CommunityId => this.GetPrimaryKeyLong();

    private CommunityState S => state.State;

    private bool Exists => state.RecordExists && S.OwnerId != 0 && !S.Deleted;

    public async Task<Community> CreateAsync(long ownerId, string name, string? description)
    {
        if (state.RecordExists && S.OwnerId != 0)
        {
            throw new ChaosException(ErrorCodes.Conflict, "This community already exists.");
        }

        ChaosException.ThrowIfInvalid("name", CommunityRules.CheckName(name));
        ChaosException.ThrowIfInvalid("description", CommunityRules.CheckDescription(description));
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

        // The owner's open connections subscribe and hear CommunityJoined, as a joiner's do (docs/architecture.md#delivery-barrier).
        await Stream(ChaosProviders.UserNamespace, ownerId).OnNextAsync(GatewayEvent.Control(new MembershipChanged(CommunityId, ownerId, ids.NextId())));
        return await ViewForAsync(ownerId);
    }

    public async Task<Community> GetAsync(long actorId)
    {
        EnsureExists();
        await RequireMemberAsync(actorId);
        return await ViewForAsync(actorId);
    }

    public async Task<Community> UpdateAsync(long actorId, string? name, string? description, CommunityAiChange? ai = null)
    {
        EnsureExists();
        await RequirePermissionAsync(actorId, P.ManageCommunity);
        if (name is not null)
        {
            ChaosException.ThrowIfInvalid("name", CommunityRules.CheckName(name));
        }

        ChaosException.ThrowIfInvalid("description", CommunityRules.CheckDescription(description));
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

        if (ai is not null)
        {
            var before = S.Ai ?? CommunityAiSettings.Off;
            var after = new CommunityAiSettings(ai.Moderation ?? before.Moderation, ai.Summaries ?? before.Summaries);
            if (after.Moderation != before.Moderation)
            {
                changes["ai.moderation"] = new AuditChange(before.Moderation.ToString().ToLowerInvariant(), after.Moderation.ToString().ToLowerInvariant());
            }

            if (after.Summaries != before.Summaries)
            {
                changes["ai.summaries"] = new AuditChange(before.Summaries ? "true" : "false", after.Summaries ? "true" : "false");
            }

            S.Ai = after;
        }

        if (changes.Count > 0)
        {
            await CommitAsync(new(actorId, "community.update", CommunityId, changes), (GatewayEvents.CommunityUpdated, Summary()));
            if (changes.ContainsKey("ai.moderation"))
            {
                // Channel grains cache whether to hand sends to moderation along with permissions.
                await InvalidatePermissionsAsync(null, S.Channels);
            }
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
        ForgetMembers();
        await Task.WhenAll(channels.Select(c => GrainFactory.GetGrain<IChannelGrain>(c.Id).DetachAsync()));
        await Task.WhenAll(invites.Select(i => GrainFactory.GetGrain<IInviteGrain>(InviteKey.For(i.Code)).ClearAsync()));
        await PublishAsync(GatewayEvents.CommunityDeleted, new CommunityDeleted(CommunityId));
        await AccessChangedAsync(null, channels);
    }

    /// <summary>The community as <paramref name="userId"/> sees it: every role, only the channels they may view.</summary>
    private async Task<Community> ViewForAsync(long userId)
    {
        var member = await RequireMemberAsync(userId);
        var context = Context(member);
        var visible = S.Channels.Where(c =>
            PermissionCalculator.ComputeChannel(context, c.Overwrites.Select(o => o.ToPermissionOverwrite()).ToList()).HasFlag(P.ViewChannel)).ToList();
        return new Community(CommunityId, S.Name, S.Description, S.OwnerId, S.CreatedAt, S.MemberCount, [.. S.Roles], visible, S.Ai ?? CommunityAiSettings.Off);
    }

    private Community Summary() => new(CommunityId, S.Name, S.Description, S.OwnerId, S.CreatedAt, S.MemberCount, [.. S.Roles], [], S.Ai ?? CommunityAiSettings.Off);

    private async Task<IReadOnlyList<Member>> ToMembersAsync(IReadOnlyList<MemberRecord> rows)
    {
        var profiles = await users.GetManyAsync(rows.Select(r => r.UserId).ToList());
        return rows.Select(r => new Member(CommunityId, Profile(profiles, r.UserId), r.Nickname, r.RoleIds, r.JoinedAt)).ToList();
    }

    private static PublicUser Profile(IReadOnlyDictionary<long, PublicUser> profiles, long userId) =>
        profiles.TryGetValue(userId, out var profile) ? profile : new PublicUser(userId, "deleted_user", "Deleted User", Snowflake.CreatedAt(userId));
}
