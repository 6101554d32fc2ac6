using Chaos.Accounts;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Chaos.PrivateChannels;
using Chaos.Relationships;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Communities;

/// <summary>
/// DMs and group DMs: the same grain, message path, history, typing and read states as community channels; only the
/// permission check differs — a recipient may view, send and read history, nobody else may do anything.
/// </summary>
internal sealed partial class ChannelGrain
{
    private const P RecipientPermissions = P.ViewChannel | P.SendMessages | P.ReadMessageHistory | P.AddReactions | P.AttachFiles;

    private bool IsPrivate => state.State.Type is ChannelType.Dm or ChannelType.Group;

    public async Task<Channel> CreatePrivateAsync(ChannelType type, long ownerId, IReadOnlyList<long> recipientIds, bool e2ee = false)
    {
        if (type is not (ChannelType.Dm or ChannelType.Group))
        {
            throw new ArgumentOutOfRangeException(nameof(type));
        }

        if (Exists)
        {
            // A repeated creation (the DM grain retrying after a failure) returns what exists.
            return state.State.Type == type && state.State.E2ee == e2ee && recipientIds.All(state.State.Recipients.Contains)
                ? View()
                : throw new ChaosException(ErrorCodes.Conflict, "This channel already exists.");
        }

        var recipients = recipientIds.Distinct().ToList();
        if ((await users.GetManyAsync(recipients)).Count != recipients.Count)
        {
            throw ChaosException.NotFound("user");
        }

        if (type == ChannelType.Group)
        {
            var ownerCommunities = await GrainFactory.GetGrain<IUserGrain>(ownerId).GetCommunityIdsAsync();
            foreach (var recipient in recipients.Where(r => r != ownerId))
            {
                await EnsureMayAddAsync(ownerId, ownerCommunities, recipient);
            }

            // Taken before the state is written: the cap check and the rows are one step (docs/api.md#limits).
            await TakeGroupRoomAsync(recipients, ownerId);
        }

        state.State = new ChannelState { Type = type, OwnerId = ownerId, Recipients = recipients, E2ee = e2ee, MembershipVersion = 1 };
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = new ChannelState();
            await GiveBackRoomAsync(type == ChannelType.Group ? recipients : []);
            throw;
        }

        if (type != ChannelType.Group)
        {
            await privateChannelStore.AddRecipientsAsync(ChannelId, recipients, group: false);
        }

        var view = View();
        foreach (var recipient in recipients)
        {
            await UserStream(recipient).OnNextAsync(GatewayEvent.Control(new PrivateChannelAdded(view, state.State.MembershipVersion)));
        }

        return view;
    }

    public Task<Channel> GetPrivateAsync(long userId)
    {
        EnsurePrivate();
        RequirePrivate(userId, P.ViewChannel);
        return Task.FromResult(View());
    }

    public Task<PrivateChannelSnapshot> GetPrivateSnapshotAsync(long userId)
    {
        EnsurePrivate();
        RequirePrivate(userId, P.ViewChannel);
        return Task.FromResult(new PrivateChannelSnapshot(View(), state.State.MembershipVersion));
    }

    public async Task<Channel> AddRecipientAsync(long actorId, long userId)
    {
        EnsureGroupOwner(actorId);
        if (state.State.Recipients.Contains(userId))
        {
            return View();
        }

        if (state.State.Recipients.Count >= PrivateChannelRules.MaxGroupSize)
        {
            throw new ChaosException(ErrorCodes.Conflict, $"A group has at most {PrivateChannelRules.MaxGroupSize} members.");
        }

        if ((await users.GetManyAsync([userId])).Count == 0)
        {
            throw ChaosException.NotFound("user");
        }

        await EnsureMayAddAsync(actorId, await GrainFactory.GetGrain<IUserGrain>(actorId).GetCommunityIdsAsync(), userId);
        await TakeGroupRoomAsync([userId], actorId);
        state.State.Recipients.Add(userId);
        state.State.MembershipVersion++;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Recipients.Remove(userId);
            state.State.MembershipVersion--;
            await GiveBackRoomAsync([userId]);
            throw;
        }

        var view = View();
        await PublishAsync(GatewayEvents.ChannelUpdated, view, null);
        await UserStream(userId).OnNextAsync(GatewayEvent.Control(new PrivateChannelAdded(view, state.State.MembershipVersion)));
        return view;
    }

    public async Task RemoveRecipientAsync(long actorId, long userId)
    {
        EnsurePrivate();
        if (state.State.Type != ChannelType.Group)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "Nobody can be removed from a DM.");
        }

        RequirePrivate(actorId, P.ViewChannel);
        if (actorId != userId && actorId != state.State.OwnerId)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "Only the group's owner can remove others.");
        }

        if (!state.State.Recipients.Remove(userId))
        {
            throw ChaosException.NotFound("recipient");
        }

        if (state.State.OwnerId == userId && state.State.Recipients.Count > 0)
        {
            state.State.OwnerId = state.State.Recipients[0];
        }

        state.State.MembershipVersion++;
        var version = state.State.MembershipVersion;
        await state.WriteStateAsync();
        await privateChannelStore.RemoveRecipientAsync(ChannelId, userId);
        // On the channel stream first: front doors stop the removed user's delivery before anything said afterwards.
        var removed = GatewayEvent.Control(new RecipientRemoved(ChannelId, userId, version));
        if (PushesMessages)
        {
            // Ahead of any message pushed after it (docs/architecture.md#push-relay-for-channel-events).
            Push([removed]);
        }

        await stream!.OnNextAsync(removed);
        // And on the user's stream, which a connection still being set up already listens to: one whose snapshot has the
        // group loses it even when no connection on its front door held the channel stream yet (docs/architecture.md#access-re-evaluation).
        // Both copies carry the membership version: one that arrives after the user was added again is ignored.
        await UserStream(userId).OnNextAsync(GatewayEvent.Control(new RecipientRemoved(ChannelId, userId, version)));
        await PublishAsync(GatewayEvents.ChannelUpdated, View(), null);
    }

    public async Task SetBlockedAsync(bool blocked)
    {
        EnsurePrivate();
        if (state.State.Blocked != blocked)
        {
            state.State.Blocked = blocked;
            await state.WriteStateAsync();
        }
    }

    private P RequirePrivate(long userId, P needed)
    {
        if (!state.State.Recipients.Contains(userId))
        {
            throw new ChaosException(ErrorCodes.MissingPermission, "This needs the ViewChannel permission.", nameof(P.ViewChannel), null, null);
        }

        if (state.State.Blocked && needed.HasFlag(P.SendMessages))
        {
            // Worded like any other undeliverable DM: a blocked user is never told they were blocked.
            throw new ChaosException(ErrorCodes.Forbidden, "This message could not be delivered.");
        }

        var held = state.State.Blocked ? RecipientPermissions & ~(P.SendMessages | P.AddReactions) : RecipientPermissions;
        var missing = needed & ~held;
        if (missing != P.None)
        {
            var name = Permissions.PermissionSets.Names(missing)[0];
            throw new ChaosException(ErrorCodes.MissingPermission, $"This needs the {name} permission.", name, null, null);
        }

        return held;
    }

    /// <summary>
    /// Someone may put a user into a group only when they are friends or share a community, and neither blocked the
    /// other (docs/api.md#direct-messages). Every refusal reads the same, so a blocked user is never told.
    /// </summary>
    private async Task EnsureMayAddAsync(long ownerId, IReadOnlyList<long> ownerCommunities, long userId)
    {
        // Interleaving reads: safe even while either user grain is itself waiting on something.
        var theirs = await GrainFactory.GetGrain<IUserGrain>(userId).GetRelationshipAsync(ownerId);
        var mine = await GrainFactory.GetGrain<IUserGrain>(ownerId).GetRelationshipAsync(userId);
        var refused = theirs == RelationshipType.Blocked || mine == RelationshipType.Blocked
            || (mine != RelationshipType.Friend
                && !ownerCommunities.Intersect(await GrainFactory.GetGrain<IUserGrain>(userId).GetCommunityIdsAsync()).Any());
        if (refused)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "This user cannot be added to a group by you.");
        }
    }

    /// <summary>
    /// Puts the users into this group's rows unless one is in <see cref="PrivateChannelRules.MaxGroupsPerUser"/> groups
    /// already; the store makes the check and the insert one step, so racing additions in other groups cannot pass the cap.
    /// </summary>
    private async Task TakeGroupRoomAsync(IReadOnlyCollection<long> userIds, long actorId)
    {
        if (await privateChannelStore.AddGroupRecipientsAsync(ChannelId, userIds, PrivateChannelRules.MaxGroupsPerUser) is { } full)
        {
            throw new ChaosException(
                ErrorCodes.Conflict,
                full == actorId ? $"You are in {PrivateChannelRules.MaxGroupsPerUser} groups, the most one user may be in; leave one first."
                     : $"This user is in {PrivateChannelRules.MaxGroupsPerUser} groups, the most one user may be in.");
        }
    }

    /// <summary>Takes back rows of <see cref="TakeGroupRoomAsync"/> whose state write failed (best effort: a retry re-adds them).</summary>
    private async Task GiveBackRoomAsync(IReadOnlyCollection<long> userIds)
    {
        foreach (var userId in userIds)
        {
            try
            {
                await privateChannelStore.RemoveRecipientAsync(ChannelId, userId);
            }
            catch (Exception)
            {
                // The write failed already; that error is the one the caller hears.
            }
        }
    }

    private void EnsurePrivate()
    {
        if (!Exists || !IsPrivate)
        {
            throw ChaosException.NotFound("channel");
        }
    }

    private void EnsureGroupOwner(long actorId)
    {
        EnsurePrivate();
        RequirePrivate(actorId, P.ViewChannel);
        if (state.State.Type != ChannelType.Group)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "A DM has exactly two recipients.");
        }

        if (state.State.OwnerId != actorId)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "Only the group's owner can add recipients.");
        }
    }

    private Channel View() =>
        new(ChannelId, state.State.Type, null, string.Empty, null, 0, [], [.. state.State.Recipients], AiExcluded: state.State.E2ee, E2ee: state.State.E2ee);

    private Orleans.Streams.IAsyncStream<GatewayEvent> UserStream(long userId) =>
        this.GetStreamProvider(ChaosProviders.Streams).GetStream<GatewayEvent>(StreamId.Create(ChaosProviders.UserNamespace, userId));
}
