using Chaos.Api.Errors;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Microsoft.AspNetCore.SignalR;
using Orleans.Streams;

namespace Chaos.Api.Gateway;

/// <summary>
/// The front door's half of fan-out (ARCHITECTURE.md): one Orleans stream subscription per stream that any local
/// connection needs (reference-counted), and local delivery through SignalR groups — one publish per event, one
/// delivery per interested front door, one socket write per recipient, never a grain call per recipient. Access
/// changes arrive on the same streams as the events they govern, so a connection is re-evaluated before anything
/// published after the change reaches it.
/// </summary>
public sealed partial class GatewayFanout(IClusterClient cluster, IHubContext<GatewayHub> hub, IServiceProvider services, ILogger<GatewayFanout> logger)
{
    private IGatewayEventHandler[]? handlers;
    private IGatewayConnectionObserver[]? connectionObservers;

    private readonly Lock gate = new();
    private readonly Dictionary<(string Namespace, long Key), Subscription> subscriptions = [];
    private readonly Dictionary<string, ConnectionInfo> connections = [];
    private readonly Dictionary<long, HashSet<string>> connectionsByUser = [];
    private readonly Dictionary<long, HashSet<string>> connectionsByCommunity = [];

    public int ConnectionCount
    {
        get
        {
            lock (gate)
            {
                return connections.Count;
            }
        }
    }

    public int SubscriptionCount
    {
        get
        {
            lock (gate)
            {
                return subscriptions.Count;
            }
        }
    }

    /// <summary>
    /// Registers a connection: first every stream it needs is subscribed, then <paramref name="sendReady"/> runs, then the
    /// connection joins its groups — so <c>Ready</c> is its first event and nothing published after Ready is missed.
    /// </summary>
    public async Task<ConnectionInfo> ConnectAsync(string connectionId, long userId, ReadyBuilder ready, Func<Task> sendReady)
    {
        var communities = ready.Communities;
        var connection = new ConnectionInfo(connectionId, userId);
        await connection.Sync.WaitAsync();
        try
        {
            lock (gate)
            {
                connections[connectionId] = connection;
                Index(connectionsByUser, userId, connectionId, add: true);
            }

            var needed = new List<(string Namespace, long Key)> { (ChaosProviders.UserNamespace, userId) };
            foreach (var community in communities)
            {
                needed.Add((ChaosProviders.CommunityNamespace, community.Id));
                needed.AddRange(community.Channels.Select(c => (ChaosProviders.ChannelNamespace, c.Id)));
            }

            needed.AddRange(ready.ExtraStreams);
            await AcquireAllAsync(connection, needed);
            await sendReady();
            await hub.Groups.AddToGroupAsync(connectionId, GatewayGroups.User(userId));
            foreach (var (ns, key) in ready.ExtraStreams)
            {
                await hub.Groups.AddToGroupAsync(connectionId, GatewayGroups.For(ns, key));
                connection.ExtraStreams.Add((ns, key));
            }

            foreach (var community in communities)
            {
                await hub.Groups.AddToGroupAsync(connectionId, GatewayGroups.Community(community.Id));
                foreach (var channel in community.Channels)
                {
                    await hub.Groups.AddToGroupAsync(connectionId, GatewayGroups.Channel(channel.Id));
                }

                lock (gate)
                {
                    connection.Communities[community.Id] = community.Channels.Select(c => c.Id).ToHashSet();
                    Index(connectionsByCommunity, community.Id, connectionId, add: true);
                }
            }
        }
        finally
        {
            connection.Sync.Release();
        }

        return connection;
    }

    public async Task DisconnectAsync(string connectionId)
    {
        ConnectionInfo? connection;
        lock (gate)
        {
            if (!connections.Remove(connectionId, out connection))
            {
                return;
            }

            Index(connectionsByUser, connection.UserId, connectionId, add: false);
        }

        await connection.Sync.WaitAsync();
        try
        {
            connection.Closed = true;
            foreach (var communityId in connection.Communities.Keys.ToList())
            {
                await ApplyAsync(connection, communityId, null);
            }
        }
        finally
        {
            connection.Sync.Release();
        }

        await ReleaseAsync(ChaosProviders.UserNamespace, connection.UserId);
        foreach (var (ns, key) in connection.ExtraStreams.ToList())
        {
            await ReleaseAsync(ns, key);
        }
    }

    /// <summary>Adds a stream to a live connection (a new friend's presence, a new DM); reference-counted like the rest.</summary>
    public async Task AddStreamAsync(string connectionId, string ns, long key)
    {
        ConnectionInfo? connection;
        lock (gate)
        {
            connection = connections.GetValueOrDefault(connectionId);
        }

        if (connection is null)
        {
            return;
        }

        await connection.Sync.WaitAsync();
        try
        {
            if (connection.Closed || connection.ExtraStreams.Contains((ns, key)))
            {
                return;
            }

            await AcquireAsync(ns, key);
            await hub.Groups.AddToGroupAsync(connectionId, GatewayGroups.For(ns, key));
            connection.ExtraStreams.Add((ns, key));
        }
        finally
        {
            connection.Sync.Release();
        }
    }

    /// <summary>Removes a stream added with <see cref="AddStreamAsync"/>.</summary>
    public async Task RemoveStreamAsync(string connectionId, string ns, long key)
    {
        ConnectionInfo? connection;
        lock (gate)
        {
            connection = connections.GetValueOrDefault(connectionId);
        }

        if (connection is null)
        {
            return;
        }

        await connection.Sync.WaitAsync();
        try
        {
            if (!connection.ExtraStreams.Remove((ns, key)))
            {
                return;
            }

            await hub.Groups.RemoveFromGroupAsync(connectionId, GatewayGroups.For(ns, key));
            await ReleaseAsync(ns, key);
        }
        finally
        {
            connection.Sync.Release();
        }
    }

    /// <summary>The ids of every connection of this front door (shutdown tells each to reconnect).</summary>
    public IReadOnlyList<string> ConnectionIds()
    {
        lock (gate)
        {
            return [.. connections.Keys];
        }
    }

    /// <summary>The ids of this front door's connections of one user (for presence and voice).</summary>
    public IReadOnlyList<string> ConnectionsOf(long userId)
    {
        lock (gate)
        {
            return connectionsByUser.GetValueOrDefault(userId)?.ToList() ?? [];
        }
    }

    private async Task OnEventAsync(string ns, long key, GatewayEvent evt)
    {
        try
        {
            // Resolved on first use: handlers depend on this fan-out themselves.
            handlers ??= [.. services.GetServices<IGatewayEventHandler>()];
            foreach (var handler in handlers)
            {
                if (await handler.HandleAsync(ns, key, evt))
                {
                    return;
                }
            }

            switch (evt.Name)
            {
                case GatewayEvents.AccessChanged when evt.Payload is AccessChanged change:
                    await ReevaluateAsync(change, channelsOnly: ns != ChaosProviders.CommunityNamespace);
                    return;
                case GatewayEvents.MembershipChanged when evt.Payload is AccessChanged change:
                    await JoinedAsync(change);
                    return;
                case GatewayEvents.ChannelCreated or GatewayEvents.ChannelUpdated when evt.Payload is Channel channel && channel.CommunityId is { } communityId:
                    var viewers = Viewers(communityId, channel.Id);
                    if (viewers.Count > 0)
                    {
                        await hub.Clients.Clients(viewers).SendAsync(evt.Name, evt.Payload);
                    }

                    return;
            }

            if (evt.Name.StartsWith('_'))
            {
                // Internal events of features that are not wired here are never forwarded to clients.
                return;
            }

            // Not awaited: SignalR serializes the event once and starts every connection's write in order before this
            // returns; awaiting the writes would let one slow socket (or a full stateful-reconnect buffer waiting for
            // its client's ack) hold up this stream for every other connection on this front door. Each connection's
            // writes stay in order behind its own write lock.
            Observe(hub.Clients.Group(GatewayGroups.For(ns, key)).SendAsync(evt.Name, evt.Payload), evt.Name, ns, key);
        }
        catch (Exception exception)
        {
            // A failed delivery must never stall the stream for every other connection.
            LogDeliveryFailed(logger, exception, evt.Name, ns, key);
        }
    }

    private void Observe(Task delivery, string name, string ns, long key)
    {
        if (!delivery.IsCompletedSuccessfully)
        {
            _ = delivery.ContinueWith(
                static (t, state) =>
                {
                    var (log, name, ns, key) = ((ILogger, string, string, long))state!;
                    LogDeliveryFailed(log, t.Exception!, name, ns, key);
                },
                ((ILogger)logger, name, ns, key),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Re-evaluates the affected local connections once per change and stream kind. A channel stream only ever narrows
    /// or widens channel groups: leaving the community (and its group) is the community stream's job, so a member who
    /// loses access still hears <c>MemberLeft</c> there, in order, before being cut off.
    /// </summary>
    private async Task ReevaluateAsync(AccessChanged change, bool channelsOnly)
    {
        List<ConnectionInfo> affected;
        lock (gate)
        {
            var ids = change.UserId is { } userId
                ? connectionsByUser.GetValueOrDefault(userId)?.ToList() ?? []
                : connectionsByCommunity.GetValueOrDefault(change.CommunityId)?.ToList() ?? [];
            affected = ids.Select(connections.GetValueOrDefault).OfType<ConnectionInfo>().ToList();
        }

        await Task.WhenAll(affected.Select(c => RefreshAsync(c, change.CommunityId, change.Version, channelsOnly)));
    }

    private async Task JoinedAsync(AccessChanged change)
    {
        List<ConnectionInfo> mine;
        lock (gate)
        {
            mine = (connectionsByUser.GetValueOrDefault(change.UserId ?? 0)?.ToList() ?? []).Select(connections.GetValueOrDefault).OfType<ConnectionInfo>().ToList();
        }

        foreach (var connection in mine)
        {
            var view = await RefreshAsync(connection, change.CommunityId, change.Version, channelsOnly: false);
            if (view is not null)
            {
                await hub.Clients.Client(connection.ConnectionId).SendAsync(GatewayEvents.CommunityUpdated, view);
            }
        }
    }

    private async Task<Community?> RefreshAsync(ConnectionInfo connection, long communityId, long version, bool channelsOnly)
    {
        await connection.Sync.WaitAsync();
        try
        {
            var applied = connection.AccessVersions.GetValueOrDefault(communityId);
            if (channelsOnly)
            {
                applied = Math.Max(applied, connection.ChannelAccessVersions.GetValueOrDefault(communityId));
            }

            if (connection.Closed || applied >= version)
            {
                return null;
            }

            Community? view;
            try
            {
                view = await cluster.GetGrain<ICommunityGrain>(communityId).GetAsync(connection.UserId);
            }
            catch (ChaosException)
            {
                view = null;
            }

            if (channelsOnly)
            {
                connection.ChannelAccessVersions[communityId] = version;
            }
            else
            {
                connection.AccessVersions[communityId] = version;
            }

            await ApplyAsync(connection, communityId, view, keepCommunity: channelsOnly);
            return view;
        }
        finally
        {
            connection.Sync.Release();
        }
    }

    /// <summary>Brings one connection's groups and stream subscriptions for one community in line with <paramref name="view"/>.</summary>
    private async Task ApplyAsync(ConnectionInfo connection, long communityId, Community? view, bool keepCommunity = false)
    {
        var wanted = view?.Channels.Select(c => c.Id).ToHashSet() ?? [];
        var had = connection.Communities.GetValueOrDefault(communityId);
        if (view is not null && had is null)
        {
            await AcquireAsync(ChaosProviders.CommunityNamespace, communityId);
            await hub.Groups.AddToGroupAsync(connection.ConnectionId, GatewayGroups.Community(communityId));
            lock (gate)
            {
                Index(connectionsByCommunity, communityId, connection.ConnectionId, add: true);
            }
        }

        foreach (var channelId in wanted.Except(had ?? []))
        {
            await AcquireAsync(ChaosProviders.ChannelNamespace, channelId);
            await hub.Groups.AddToGroupAsync(connection.ConnectionId, GatewayGroups.Channel(channelId));
        }

        var hidden = (had ?? []).Except(wanted).ToList();
        foreach (var channelId in hidden)
        {
            await hub.Groups.RemoveFromGroupAsync(connection.ConnectionId, GatewayGroups.Channel(channelId));
            await ReleaseAsync(ChaosProviders.ChannelNamespace, channelId);
        }

        if (hidden.Count > 0)
        {
            // Resolved on first use, like the handlers: observers depend on this fan-out themselves.
            connectionObservers ??= [.. services.GetServices<IGatewayConnectionObserver>()];
            foreach (var observer in connectionObservers)
            {
                await observer.OnChannelsHiddenAsync(connection.ConnectionId, connection.UserId, hidden);
            }
        }

        lock (gate)
        {
            if (view is null && !keepCommunity)
            {
                connection.Communities.Remove(communityId);
            }
            else if (view is not null || had is not null)
            {
                connection.Communities[communityId] = wanted;
            }
        }

        if (view is null && had is not null && !keepCommunity)
        {
            await hub.Groups.RemoveFromGroupAsync(connection.ConnectionId, GatewayGroups.Community(communityId));
            lock (gate)
            {
                Index(connectionsByCommunity, communityId, connection.ConnectionId, add: false);
            }

            await ReleaseAsync(ChaosProviders.CommunityNamespace, communityId);
        }
    }

    private List<string> Viewers(long communityId, long channelId)
    {
        lock (gate)
        {
            return (connectionsByCommunity.GetValueOrDefault(communityId) ?? [])
                .Select(connections.GetValueOrDefault)
                .Where(c => c is not null && c.Communities.TryGetValue(communityId, out var channels) && channels.Contains(channelId))
                .Select(c => c!.ConnectionId)
                .ToList();
        }
    }

    /// <summary>
    /// Takes every stream a new connection needs, or none: when one fails (its pub-sub grain was on a silo that is going
    /// away), what was taken is given back and the connection is forgotten, so the client's next attempt starts clean.
    /// </summary>
    private async Task AcquireAllAsync(ConnectionInfo connection, List<(string Namespace, long Key)> needed)
    {
        var taken = new List<(string Namespace, long Key)>(needed.Count);
        try
        {
            foreach (var (ns, key) in needed)
            {
                await AcquireAsync(ns, key);
                taken.Add((ns, key));
            }
        }
        catch
        {
            lock (gate)
            {
                if (connections.TryGetValue(connection.ConnectionId, out var registered) && ReferenceEquals(registered, connection))
                {
                    connections.Remove(connection.ConnectionId);
                    Index(connectionsByUser, connection.UserId, connection.ConnectionId, add: false);
                }
            }

            connection.Closed = true;
            foreach (var (ns, key) in taken)
            {
                await ReleaseAsync(ns, key);
            }

            throw;
        }
    }

    /// <summary>
    /// Shares one subscription per stream. A subscription that failed is dropped at once (and this caller's share given
    /// back): kept, its faulted task would fail every later connection that needs the stream, for the life of the
    /// process — the front door that survived a silo failed <c>Ready</c> for minutes that way.
    /// </summary>
    private async Task AcquireAsync(string ns, long key)
    {
        Subscription subscription;
        lock (gate)
        {
            if (subscriptions.TryGetValue((ns, key), out var existing))
            {
                existing.Count++;
                subscription = existing;
            }
            else
            {
                subscription = new Subscription { Count = 1 };
                subscription.Handle = SubscribeAsync(ns, key);
                subscriptions[(ns, key)] = subscription;
            }
        }

        try
        {
            await subscription.Handle!;
        }
        catch (Exception exception)
        {
            lock (gate)
            {
                subscription.Count--;
                if (subscriptions.TryGetValue((ns, key), out var current) && ReferenceEquals(current, subscription))
                {
                    subscriptions.Remove((ns, key));
                }
            }

            LogSubscribeFailed(logger, exception, ns, key);
            throw;
        }
    }

    private async Task ReleaseAsync(string ns, long key)
    {
        Subscription? subscription;
        lock (gate)
        {
            if (!subscriptions.TryGetValue((ns, key), out subscription) || --subscription.Count > 0)
            {
                return;
            }

            subscriptions.Remove((ns, key));
        }

        try
        {
            await (await subscription.Handle!).UnsubscribeAsync();
        }
        catch (Exception exception)
        {
            LogUnsubscribeFailed(logger, exception, ns, key);
        }
    }

    private async Task<StreamSubscriptionHandle<GatewayEvent>> SubscribeAsync(string ns, long key)
    {
        var stream = cluster.GetStreamProvider(ChaosProviders.Streams).GetStream<GatewayEvent>(StreamId.Create(ns, key));
        // Retried only where the call provably never ran (the pub-sub grain's silo refused or was unreachable): a timed-out
        // subscribe may have registered, and a second one would deliver twice.
        return await GrainCalls.RetryAsync(() => stream.SubscribeAsync((evt, _) => OnEventAsync(ns, key, evt)), idempotent: false, CancellationToken.None);
    }

    private static void Index(Dictionary<long, HashSet<string>> index, long key, string connectionId, bool add)
    {
        if (add)
        {
            if (!index.TryGetValue(key, out var set))
            {
                index[key] = set = [];
            }

            set.Add(connectionId);
        }
        else if (index.TryGetValue(key, out var set) && set.Remove(connectionId) && set.Count == 0)
        {
            index.Remove(key);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering {EventName} from {Namespace}/{Key} failed")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string eventName, string @namespace, long key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to {Namespace}/{Key} failed; the next connection that needs it subscribes again")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, string @namespace, long key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unsubscribing from {Namespace}/{Key} failed")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception exception, string @namespace, long key);

    private sealed class Subscription
    {
        public int Count { get; set; }

        public Task<StreamSubscriptionHandle<GatewayEvent>>? Handle { get; set; }
    }
}
