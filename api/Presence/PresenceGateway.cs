using Chaos.Accounts;
using Chaos.Api.Gateway;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Chaos.Presence;
using Chaos.Relationships;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chaos.Api.Presence;

/// <summary>
/// Who sees whose presence, per connection: friends, co-members of communities with at most
/// <see cref="PresenceOptions.SmallCommunityMaxMembers"/> members, and the first page of members of the one community whose
/// member list the connection is viewing. Each watched user is one <c>presence</c> stream, reference-counted by
/// <see cref="GatewayStreamSubscriptions"/>, so a status change costs one publish, one delivery per interested front door and one
/// socket write per interested connection. Also puts <c>relationships</c> and <c>presences</c> in Ready.
/// </summary>
public sealed partial class PresenceGateway(
    IClusterClient cluster,
    GatewayConnectionRegistry connections,
    GatewayExtraStreams streams,
    IHubContext<GatewayHub> hub,
    IOptions<PresenceOptions> options,
    PresenceMetrics metrics,
    ILogger<PresenceGateway> logger) : IReadyContributor, IGatewayEventHandler, IGatewayConnectionObserver
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Interest> interests = [];

    /// <summary>Presence user id → local connections subscribed to it (what one of their changes costs here).</summary>
    private readonly Dictionary<long, int> watchers = [];

    /// <summary>
    /// Small community id → the registered interests that hold it, so a community's member event touches the connections
    /// of that community here, not every connection of the front door (under <see cref="gate"/>, kept in step with
    /// each registered interest's <see cref="Interest.SmallCommunities"/>).
    /// </summary>
    private readonly Dictionary<long, HashSet<Interest>> bySmallCommunity = [];

    public async Task ContributeAsync(ReadyBuilder ready, CancellationToken cancellationToken)
    {
        var me = ready.UserId;
        var relationships = await cluster.GetGrain<IUserGrain>(me).GetRelationshipsAsync();
        ready.Relationships.AddRange(relationships);
        var interest = new Interest(ready.ConnectionId, me);
        interest.Friends.UnionWith(relationships.Where(r => r.Type == RelationshipType.Friend).Select(r => r.UserId));
        foreach (var community in ready.Communities.Where(c => c.MemberCount <= options.Value.SmallCommunityMaxMembers))
        {
            interest.SmallCommunities[community.Id] = await MembersAsync(community.Id, me, options.Value.SmallCommunityMaxMembers);
        }

        var targets = interest.Wanted().ToList();
        var presences = await Task.WhenAll(targets.Select(id => cluster.GetGrain<IPresenceGrain>(id).GetAsync()));
        ready.Presences.AddRange(presences.Where(p => p.Status != PresenceStatus.Offline));
        foreach (var target in targets)
        {
            ready.ExtraStreams.Add((ChaosProviders.PresenceNamespace, target));
        }

        lock (gate)
        {
            interest.Subscribed.UnionWith(targets);
            foreach (var target in targets)
            {
                watchers[target] = watchers.GetValueOrDefault(target) + 1;
            }

            interests[ready.ConnectionId] = interest;
            foreach (var communityId in interest.SmallCommunities.Keys)
            {
                Index(interest, communityId);
            }
        }
    }

    public Task OnConnectedAsync(string connectionId, long userId) => Task.CompletedTask;

    public Task OnDisconnectedAsync(string connectionId, long userId)
    {
        lock (gate)
        {
            if (interests.Remove(connectionId, out var interest))
            {
                foreach (var target in interest.Subscribed)
                {
                    Unwatch(target);
                }

                foreach (var communityId in interest.SmallCommunities.Keys)
                {
                    Unindex(interest, communityId);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Community-driven subscription changes run beside the stream, not in its way, so the event itself (a MemberLeft the
    /// leaver must still receive before losing the community) is delivered at once. A relationship change is applied
    /// before its event is forwarded (it travels on the user's own stream, which it cannot affect), so an ended friendship
    /// stops presence by the time the client hears of it. Each connection's changes are serialized by its own lock and
    /// recompute what it should see when they run, so they converge whatever order they run in.
    /// </summary>
    public async Task<bool> HandleAsync(string ns, long key, GatewayEvent evt)
    {
        if (evt.Payload is MembershipChanged change && ns == ChaosProviders.UserNamespace)
        {
            // This user joined a community while connected: if it is small, its members' presence starts flowing.
            Background(JoinedAsync(key, change.CommunityId));
            return false;
        }

        switch (evt.Name)
        {
            case GatewayEvents.PresenceUpdated when ns == ChaosProviders.PresenceNamespace:
                int count;
                lock (gate)
                {
                    count = watchers.GetValueOrDefault(key);
                }

                metrics.OnReceived(count);
                return false;
            case GatewayEvents.RelationshipUpdated when ns == ChaosProviders.UserNamespace && evt.Payload is Relationship relationship:
                foreach (var interest in InterestsOf(key))
                {
                    lock (gate)
                    {
                        if (relationship.Type == RelationshipType.Friend)
                        {
                            interest.Friends.Add(relationship.UserId);
                        }
                        else
                        {
                            interest.Friends.Remove(relationship.UserId);
                        }
                    }

                    await ReconcileAsync(interest, [relationship.UserId], announce: true);
                }

                return false;
            case GatewayEvents.MemberJoined when ns == ChaosProviders.CommunityNamespace && evt.Payload is Member member:
                foreach (var interest in InterestsInCommunity(key))
                {
                    lock (gate)
                    {
                        if (interest.UserId == member.User.Id || !interest.SmallCommunities.TryGetValue(key, out var members)
                            || members.Count >= options.Value.SmallCommunityMaxMembers)
                        {
                            continue;
                        }

                        members.Add(member.User.Id);
                    }

                    Background(ReconcileAsync(interest, [member.User.Id], announce: true));
                }

                return false;
            case GatewayEvents.MemberLeft when ns == ChaosProviders.CommunityNamespace && evt.Payload is MemberLeft left:
                foreach (var interest in InterestsInCommunity(key))
                {
                    List<long> affected;
                    lock (gate)
                    {
                        if (interest.UserId == left.UserId)
                        {
                            if (interest.SmallCommunities.Remove(key, out var all))
                            {
                                Unindex(interest, key);
                            }

                            affected = [.. all ?? []];
                        }
                        else
                        {
                            affected = interest.SmallCommunities.TryGetValue(key, out var members) && members.Remove(left.UserId) ? [left.UserId] : [];
                        }
                    }

                    Background(ReconcileAsync(interest, affected, announce: false));
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>Starts delivering the presence of the community's first members to this connection (one community at a time).</summary>
    public async Task<IReadOnlyList<UserPresence>> StartViewingMembersAsync(string connectionId, long userId, long communityId)
    {
        var members = await MembersAsync(communityId, userId, options.Value.MaxViewedMembers);
        Interest? interest;
        List<long> affected;
        lock (gate)
        {
            interest = interests.GetValueOrDefault(connectionId);
            if (interest is null)
            {
                return [];
            }

            affected = [.. (interest.Viewing?.Members ?? []).Union(members)];
            interest.Viewing = (communityId, members);
        }

        await ReconcileAsync(interest, affected, announce: false);
        var presences = await Task.WhenAll(members.Where(m => m != userId).Select(m => cluster.GetGrain<IPresenceGrain>(m).GetAsync()));
        return [.. presences.Where(p => p.Status != PresenceStatus.Offline)];
    }

    public async Task StopViewingMembersAsync(string connectionId, long communityId)
    {
        Interest? interest;
        List<long> affected;
        lock (gate)
        {
            interest = interests.GetValueOrDefault(connectionId);
            if (interest?.Viewing is not { } viewing || viewing.CommunityId != communityId)
            {
                return;
            }

            affected = [.. viewing.Members];
            interest.Viewing = null;
        }

        await ReconcileAsync(interest, affected, announce: false);
    }

    private async Task JoinedAsync(long userId, long communityId)
    {
        var mine = InterestsOf(userId);
        if (mine.Count == 0)
        {
            return;
        }

        HashSet<long> members;
        try
        {
            var community = await cluster.GetGrain<ICommunityGrain>(communityId).GetAsync(userId);
            if (community.MemberCount > options.Value.SmallCommunityMaxMembers)
            {
                return;
            }

            members = await MembersAsync(communityId, userId, options.Value.SmallCommunityMaxMembers);
        }
        catch (ChaosException)
        {
            return;
        }

        foreach (var interest in mine)
        {
            lock (gate)
            {
                interest.SmallCommunities[communityId] = [.. members];
                if (interests.TryGetValue(interest.ConnectionId, out var live) && ReferenceEquals(live, interest))
                {
                    Index(interest, communityId);   // not for a connection gone meanwhile: nothing would take it out again
                }
            }

            await ReconcileAsync(interest, members, announce: true);
        }
    }

    /// <summary>Brings one connection's presence streams in line with what it should see, for the given users.</summary>
    private async Task ReconcileAsync(Interest interest, IReadOnlyCollection<long> targets, bool announce)
    {
        if (targets.Count == 0)
        {
            return;
        }

        await interest.Sync.WaitAsync();
        try
        {
            foreach (var target in targets)
            {
                bool wanted, subscribed;
                lock (gate)
                {
                    if (!interests.ContainsKey(interest.ConnectionId))
                    {
                        return;
                    }

                    wanted = target != interest.UserId && interest.Wants(target);
                    subscribed = interest.Subscribed.Contains(target);
                }

                if (wanted && !subscribed)
                {
                    await streams.AddAsync(interest.ConnectionId, ChaosProviders.PresenceNamespace, target);
                    lock (gate)
                    {
                        interest.Subscribed.Add(target);
                        watchers[target] = watchers.GetValueOrDefault(target) + 1;
                    }

                    if (announce)
                    {
                        var presence = await cluster.GetGrain<IPresenceGrain>(target).GetAsync();
                        if (presence.Status != PresenceStatus.Offline)
                        {
                            await hub.Clients.Client(interest.ConnectionId).SendAsync(GatewayEvents.PresenceUpdated, presence);
                        }
                    }
                }
                else if (!wanted && subscribed)
                {
                    await streams.RemoveAsync(interest.ConnectionId, ChaosProviders.PresenceNamespace, target);
                    lock (gate)
                    {
                        if (interest.Subscribed.Remove(target))
                        {
                            Unwatch(target);
                        }
                    }
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogReconcileFailed(logger, exception, interest.ConnectionId);
        }
        finally
        {
            interest.Sync.Release();
        }
    }

    private async Task<HashSet<long>> MembersAsync(long communityId, long userId, int max)
    {
        var community = cluster.GetGrain<ICommunityGrain>(communityId);
        var result = new HashSet<long>();
        long? after = null;
        while (result.Count < max)
        {
            var page = await community.GetMembersAsync(userId, after, Math.Min(CommunityRules.MaxPageSize, max - result.Count));
            foreach (var member in page)
            {
                result.Add(member.User.Id);
            }

            if (page.Count == 0 || page.Count < Math.Min(CommunityRules.MaxPageSize, max))
            {
                break;
            }

            after = page[^1].User.Id;
        }

        result.Remove(userId);
        return result;
    }

    private List<Interest> InterestsOf(long userId)
    {
        var ids = connections.ConnectionsOf(userId);
        lock (gate)
        {
            return [.. ids.Select(interests.GetValueOrDefault).OfType<Interest>()];
        }
    }

    private List<Interest> InterestsInCommunity(long communityId)
    {
        lock (gate)
        {
            return bySmallCommunity.TryGetValue(communityId, out var holding) ? [.. holding] : [];
        }
    }

    private void Background(Task work) => work.ContinueWith(
        t => LogBackgroundFailed(logger, t.Exception!.GetBaseException()),
        CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private void Index(Interest interest, long communityId)
    {
        if (!bySmallCommunity.TryGetValue(communityId, out var holding))
        {
            bySmallCommunity[communityId] = holding = [];
        }

        holding.Add(interest);
    }

    private void Unindex(Interest interest, long communityId)
    {
        if (bySmallCommunity.TryGetValue(communityId, out var holding) && holding.Remove(interest) && holding.Count == 0)
        {
            bySmallCommunity.Remove(communityId);
        }
    }

    private void Unwatch(long target)
    {
        var left = watchers.GetValueOrDefault(target) - 1;
        if (left > 0)
        {
            watchers[target] = left;
        }
        else
        {
            watchers.Remove(target);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Updating presence subscriptions failed")]
    private static partial void LogBackgroundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Updating presence subscriptions of connection {ConnectionId} failed")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception, string connectionId);

    private sealed class Interest(string connectionId, long userId)
    {
        public string ConnectionId { get; } = connectionId;

        public long UserId { get; } = userId;

        public HashSet<long> Friends { get; } = [];

        /// <summary>Small community id → its other members.</summary>
        public Dictionary<long, HashSet<long>> SmallCommunities { get; } = [];

        public (long CommunityId, HashSet<long> Members)? Viewing { get; set; }

        public HashSet<long> Subscribed { get; } = [];

        public SemaphoreSlim Sync { get; } = new(1, 1);

        public bool Wants(long target) =>
            Friends.Contains(target) || SmallCommunities.Values.Any(m => m.Contains(target)) || Viewing?.Members.Contains(target) == true;

        public IEnumerable<long> Wanted() =>
            Friends.Concat(SmallCommunities.Values.SelectMany(m => m)).Concat(Viewing?.Members ?? []).Where(t => t != UserId).Distinct();
    }
}
