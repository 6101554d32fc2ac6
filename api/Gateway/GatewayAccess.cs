using System.Collections.Concurrent;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.Gateway;

/// <summary>
/// Keeps each local connection's groups and stream subscriptions in line with what its user may see: granted from
/// <c>Ready</c> at connect, re-evaluated on every access change (once per change and stream kind), dropped at disconnect.
/// A connection being set up replays the access changes this front door dispatched while it read its snapshot, kept in
/// <see cref="GatewayAccessLog"/> (docs/architecture.md#access-re-evaluation); a re-evaluation that fails drops the
/// access and tries again later.
/// </summary>
public sealed partial class GatewayAccess(
    IClusterClient cluster,
    GatewayConnectionRegistry registry,
    GatewayStreamSubscriptions subscriptions,
    GatewayAccessLog accessLog,
    IHubContext<GatewayHub> hub,
    IEnumerable<IGatewayConnectionObserver> observers,
    ILogger<GatewayAccess> logger)
{
    /// <summary>Waits between the attempts of a failed re-evaluation; after the last the access stays dropped.</summary>
    /// <summary>How long a connection keeps a community its user left before the community stream says so (<see cref="ConfirmLeftLater"/>).</summary>
    public static readonly TimeSpan LeftGrace = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan[] RetryDelays =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)];

    private readonly IGatewayConnectionObserver[] observers = [.. observers];
    private readonly ConcurrentDictionary<string, ConnectionInfo> pending = new(StringComparer.Ordinal);

    /// <summary>
    /// First step of a connection, before its snapshot is read: its user stream is subscribed and the access log position
    /// taken, so every membership or access change from here on is either in the snapshot or replayed after it.
    /// </summary>
    public async Task<ConnectionInfo> BeginAsync(string connectionId, long userId)
    {
        var connection = new ConnectionInfo(connectionId, userId);
        pending[connectionId] = connection;
        try
        {
            await subscriptions.AcquireAsync(ChaosProviders.UserNamespace, userId);
        }
        catch
        {
            pending.TryRemove(connectionId, out _);
            connection.Closed = true;
            connection.Settled.TrySetResult();
            throw;
        }

        connection.UserStreamHeld = true;
        connection.AccessMark = accessLog.Position;

        return connection;
    }

    /// <summary>Second step: the streams of the communities about to be read, so no access change of theirs is missed meanwhile.</summary>
    public async Task PreholdAsync(ConnectionInfo connection, IEnumerable<long> communityIds)
    {
        foreach (var id in communityIds)
        {
            await subscriptions.AcquireAsync(ChaosProviders.CommunityNamespace, id);
            connection.Preheld.Add(id);
        }
    }

    /// <summary>
    /// Last step: every stream the snapshot needs is subscribed, then <paramref name="sendReady"/> runs, then the
    /// connection joins its groups — so <c>Ready</c> is its first event — and finally it replays the access changes
    /// dispatched since <see cref="BeginAsync"/>.
    /// </summary>
    public async Task ConnectAsync(ConnectionInfo connection, ReadyBuilder ready, Func<Task> sendReady)
    {
        var connectionId = connection.ConnectionId;
        var communities = ready.Communities;
        await connection.Sync.WaitAsync();
        try
        {
            var extras = ready.ExtraStreams.Distinct().ToList();
            var needed = new List<(string Namespace, long Key)>();
            foreach (var community in communities)
            {
                needed.Add((ChaosProviders.CommunityNamespace, community.Id));
                needed.AddRange(community.Channels.Select(c => (ChaosProviders.ChannelNamespace, c.Id)));
            }

            needed.AddRange(extras);
            await subscriptions.AcquireAllAsync(needed);

            // Held by the connection from here on: whatever fails next, disconnecting gives all of it back.
            foreach (var community in communities)
            {
                registry.SetChannels(connection, community.Id, community.Channels.Select(c => c.Id).ToHashSet());
            }

            connection.ExtraStreams.UnionWith(extras);
            foreach (var (channelId, version) in ready.PrivateVersions)
            {
                connection.PrivateVersions[channelId] = version;
            }

            registry.Add(connection);
            // Registered: a membership change dispatched from here on finds this connection (and applies right after its
            // Ready). One dispatched while the snapshot was read is in the log: folded into Ready itself, so a client that
            // acts on Ready has the community even when a route's delivery barrier gave up waiting for this connection.
            await accessLog.FoldJoinedAsync(connection, communities);
            await sendReady();
            await hub.Groups.AddToGroupAsync(connectionId, GatewayGroups.User(connection.UserId));
            foreach (var (ns, key) in extras)
            {
                await hub.Groups.AddToGroupAsync(connectionId, GatewayGroups.For(ns, key));
            }

            foreach (var community in communities)
            {
                await hub.Groups.AddToGroupAsync(connectionId, GatewayGroups.Community(community.Id));
                foreach (var channel in community.Channels)
                {
                    await hub.Groups.AddToGroupAsync(connectionId, GatewayGroups.Channel(channel.Id));
                }

                registry.IndexCommunity(community.Id, connectionId);
            }

            await ReleasePreheldAsync(connection);
            connection.Ready = true;
            await RunDeferredAsync(connection);
        }
        finally
        {
            connection.Sync.Release();
        }

        try
        {
            await accessLog.ReplayAsync(connection, (communityId, version, force) => RefreshAsync(connection, communityId, version, channelsOnly: false, force));
        }
        finally
        {
            pending.TryRemove(connectionId, out _);
            connection.Settled.TrySetResult();
        }
    }

    /// <summary>
    /// Applies a change from the user's own stream (a new DM or group, a removal from a group) to each of their connections
    /// on this front door, under the connection's lock: at once to a connection that is set up; to one still being set up
    /// (listed from <see cref="BeginAsync"/> on, when it already listens to the user stream) right after its <c>Ready</c>,
    /// before it settles. So a snapshot read before the change never leaves the connection without it, and the delivery
    /// barrier, which waits for connections to settle, covers it (docs/architecture.md#access-re-evaluation).
    /// </summary>
    public async Task ForUserAsync(long userId, Func<ConnectionInfo, Task> apply)
    {
        var connections = registry.OfUser(userId).Concat(pending.Values.Where(c => c.UserId == userId)).Distinct().ToList();
        foreach (var connection in connections)
        {
            await connection.Sync.WaitAsync();
            try
            {
                if (connection.Closed)
                {
                    continue;
                }

                if (!connection.Ready)
                {
                    connection.Deferred.Add(apply);
                    continue;
                }

                await apply(connection);
            }
            finally
            {
                connection.Sync.Release();
            }
        }
    }

    /// <summary>Runs what <see cref="ForUserAsync"/> kept for a connection being set up; the caller holds its lock.</summary>
    private async Task RunDeferredAsync(ConnectionInfo connection)
    {
        foreach (var apply in connection.Deferred)
        {
            try
            {
                await apply(connection);
            }
            catch (Exception exception)
            {
                // As on a set-up connection, where the dispatcher logs it: the connection itself is fine.
                LogDeferredFailed(logger, exception, connection.ConnectionId);
            }
        }

        connection.Deferred.Clear();
    }

    /// <summary>
    /// Waits for the connections being set up on this front door (of one user, or all) to settle: the delivery barrier's
    /// answer for a connection that read its snapshot before a change and replays it afterwards.
    /// </summary>
    public Task SettledAsync(long? userId) =>
        Task.WhenAll(pending.Values.Where(c => userId is null || c.UserId == userId).Select(c => c.Settled.Task));

    private async Task ReleasePreheldAsync(ConnectionInfo connection)
    {
        foreach (var id in connection.Preheld)
        {
            await subscriptions.ReleaseAsync(ChaosProviders.CommunityNamespace, id);
        }

        connection.Preheld.Clear();
    }

    /// <summary>Gives back everything a connection holds, whether it is set up or only part way (a failed connect).</summary>
    public async Task DisconnectAsync(string connectionId)
    {
        var connection = registry.Remove(connectionId);
        if (pending.TryRemove(connectionId, out var starting))
        {
            registry.Remove(starting);
            connection ??= starting;
        }

        if (connection is null)
        {
            return;
        }

        connection.Settled.TrySetResult();
        await connection.Sync.WaitAsync();
        try
        {
            if (connection.Closed)
            {
                return;
            }

            connection.Closed = true;
            foreach (var communityId in connection.Communities.Keys.ToList())
            {
                await ApplyAsync(connection, communityId, null);
            }

            await ReleasePreheldAsync(connection);
            foreach (var (ns, key) in connection.ExtraStreams.ToList())
            {
                await subscriptions.ReleaseAsync(ns, key);
            }

            connection.ExtraStreams.Clear();
            if (connection.UserStreamHeld)
            {
                connection.UserStreamHeld = false;
                await subscriptions.ReleaseAsync(ChaosProviders.UserNamespace, connection.UserId);
            }
        }
        finally
        {
            connection.Sync.Release();
        }
    }

    /// <summary>
    /// Re-evaluates the affected local connections once per change and stream kind. A channel stream only ever narrows
    /// or widens channel groups: leaving the community (and its group) is the community stream's job, so a member who
    /// loses access still hears <c>MemberLeft</c> there, in order, before being cut off.
    /// </summary>
    public async Task ReevaluateAsync(AccessChanged change, bool channelsOnly)
    {
        if (!channelsOnly)
        {
            accessLog.Record(change.CommunityId, change.UserId, change.Version, joined: false);
        }

        var affected = change.UserId is { } userId ? registry.OfUser(userId) : registry.InCommunity(change.CommunityId);
        await Task.WhenAll(affected.Select(c => RefreshAsync(c, change.CommunityId, change.Version, channelsOnly)));
    }

    /// <summary>The user joined (or created) a community: each of their connections gets it (<c>CommunityJoined</c> first).</summary>
    public async Task JoinedAsync(MembershipChanged change)
    {
        accessLog.Record(change.CommunityId, change.UserId, change.Version, joined: true);
        foreach (var connection in registry.OfUser(change.UserId))
        {
            await RefreshAsync(connection, change.CommunityId, change.Version, channelsOnly: false);
        }
    }

    /// <summary>
    /// The user stopped being a member (or the community is gone): their connections hear <c>CommunityLeft</c> and lose
    /// the community at once, so nothing of it reaches them afterwards.
    /// </summary>
    public async Task LeftAsync(long communityId, IReadOnlyList<ConnectionInfo> connections, string reason)
    {
        foreach (var connection in connections)
        {
            await connection.Sync.WaitAsync();
            try
            {
                if (connection.Closed || !connection.Ready || registry.ChannelsOf(connection, communityId) is null)
                {
                    continue;
                }

                await hub.Clients.Client(connection.ConnectionId).SendAsync(CommunityLeftEvent.Name, new CommunityLeftEvent(communityId, reason));
                await ApplyAsync(connection, communityId, null);
            }
            finally
            {
                connection.Sync.Release();
            }
        }
    }

    /// <summary>
    /// Brings one connection in line with the community as its user now sees it, unless a change at least as new was
    /// applied already (<paramref name="force"/>: whatever was applied). When the answer does not come (a timeout, a
    /// silo failing over), the access is dropped, not kept, and the re-evaluation tried again later.
    /// </summary>
    public async Task RefreshAsync(ConnectionInfo connection, long communityId, long version, bool channelsOnly, bool force = false, int attempt = 0)
    {
        await connection.Sync.WaitAsync();
        try
        {
            var applied = connection.AccessVersions.GetValueOrDefault(communityId);
            if (channelsOnly)
            {
                applied = Math.Max(applied, connection.ChannelAccessVersions.GetValueOrDefault(communityId));
            }

            if (connection.Closed || !connection.Ready || (!force && applied >= version))
            {
                return;
            }

            try
            {
                Community? view;
                try
                {
                    view = await cluster.GetGrain<ICommunityGrain>(communityId).GetAsync(connection.UserId);
                }
                catch (ChaosException)
                {
                    view = null;
                }

                // Not a member any more: the channels go now, the community itself when MemberLeft (or CommunityDeleted)
                // reaches this connection on the community stream, so it hears why, in order. This change may have arrived
                // ahead of that event (an earlier change delivered late, the replay, a late join); if the event never comes
                // (lost with a silo), ConfirmLeftLater drops the community after LeftGrace with CommunityLeft.
                var keepCommunity = channelsOnly || view is null;
                await ApplyAsync(connection, communityId, view, keepCommunity);
                if (view is null && !channelsOnly && registry.ChannelsOf(connection, communityId) is not null)
                {
                    ConfirmLeftLater(connection, communityId);
                }
                if (!force)
                {
                    if (channelsOnly)
                    {
                        connection.ChannelAccessVersions[communityId] = version;
                    }
                    else
                    {
                        connection.AccessVersions[communityId] = version;
                    }
                }
            }
            catch (Exception exception)
            {
                LogRefreshFailed(logger, exception, connection.ConnectionId, communityId, attempt);
                await DropAsync(connection, communityId, channelsOnly);
                RetryLater(connection, communityId, version, channelsOnly, force, attempt);
            }
        }
        finally
        {
            connection.Sync.Release();
        }
    }

    private async Task DropAsync(ConnectionInfo connection, long communityId, bool channelsOnly)
    {
        try
        {
            await ApplyAsync(connection, communityId, null, keepCommunity: channelsOnly);
        }
        catch (Exception exception)
        {
            // Group removal is local and cannot fail; only giving a subscription back can, and then the stream stays subscribed
            // without this connection in its groups.
            LogDropFailed(logger, exception, connection.ConnectionId, communityId);
        }
    }

    /// <summary>
    /// A re-evaluation found the user no longer a member but the community stream has not said so to this connection yet:
    /// after <see cref="LeftGrace"/>, if the connection still holds the community and the user is still not a member, the
    /// connection hears <c>CommunityLeft</c> (reason <c>left</c>: why is not known here) and loses the community.
    /// </summary>
    private void ConfirmLeftLater(ConnectionInfo connection, long communityId) =>
        _ = Task.Run(async () =>
        {
            await Task.Delay(LeftGrace);
            if (connection.Closed || registry.ChannelsOf(connection, communityId) is null)
            {
                return;
            }

            try
            {
                await cluster.GetGrain<ICommunityGrain>(communityId).GetAsync(connection.UserId);
                return;
            }
            catch (ChaosException)
            {
            }
            catch (Exception exception)
            {
                // Not readable now: access is dropped, not kept.
                LogLeftCheckFailed(logger, exception, connection.ConnectionId, communityId);
            }

            await LeftAsync(communityId, [connection], CommunityLeftEvent.Left);
        });

    private void RetryLater(ConnectionInfo connection, long communityId, long version, bool channelsOnly, bool force, int attempt)
    {
        if (attempt >= RetryDelays.Length)
        {
            LogGaveUp(logger, connection.ConnectionId, communityId);
            return;
        }

        _ = Task.Run(async () =>
        {
            await Task.Delay(RetryDelays[attempt]);
            await RefreshAsync(connection, communityId, version, channelsOnly, force, attempt + 1);
        });
    }

    /// <summary>
    /// Brings one connection's groups and stream subscriptions for one community in line with <paramref name="view"/>.
    /// Each stream is recorded on the connection as soon as it is taken, so a failure part way leaves nothing that a
    /// later drop or disconnect would not give back. A community newly held is announced (<c>CommunityJoined</c>) before
    /// the connection joins any of its groups, so it is the first event of that community the client sees.
    /// </summary>
    private async Task ApplyAsync(ConnectionInfo connection, long communityId, Community? view, bool keepCommunity = false)
    {
        var wanted = view?.Channels.Select(c => c.Id).ToHashSet() ?? [];
        var had = registry.ChannelsOf(connection, communityId);
        var joining = view is not null && had is null;
        if (joining)
        {
            await subscriptions.AcquireAsync(ChaosProviders.CommunityNamespace, communityId);
            registry.SetChannels(connection, communityId, []);
        }

        var added = wanted.Except(had ?? []).ToList();
        foreach (var channelId in added)
        {
            await subscriptions.AcquireAsync(ChaosProviders.ChannelNamespace, channelId);
            registry.SetChannel(connection, communityId, channelId, held: true);
        }

        if (joining)
        {
            await hub.Clients.Client(connection.ConnectionId).SendAsync(GatewayEvents.CommunityJoined, view);
            await hub.Groups.AddToGroupAsync(connection.ConnectionId, GatewayGroups.Community(communityId));
            registry.IndexCommunity(communityId, connection.ConnectionId);
        }

        foreach (var channelId in added)
        {
            await hub.Groups.AddToGroupAsync(connection.ConnectionId, GatewayGroups.Channel(channelId));
        }

        var hidden = (had ?? []).Except(wanted).ToList();
        foreach (var channelId in hidden)
        {
            await hub.Groups.RemoveFromGroupAsync(connection.ConnectionId, GatewayGroups.Channel(channelId));
            registry.SetChannel(connection, communityId, channelId, held: false);
            await subscriptions.ReleaseAsync(ChaosProviders.ChannelNamespace, channelId);
        }

        if (hidden.Count > 0)
        {
            foreach (var observer in observers)
            {
                await observer.OnChannelsHiddenAsync(connection.ConnectionId, connection.UserId, hidden);
            }
        }

        if (view is null && had is not null && !keepCommunity)
        {
            await hub.Groups.RemoveFromGroupAsync(connection.ConnectionId, GatewayGroups.Community(communityId));
            registry.Unindex(communityId, connection.ConnectionId);
            registry.ForgetChannels(connection, communityId);
            await subscriptions.ReleaseAsync(ChaosProviders.CommunityNamespace, communityId);
        }

        foreach (var observer in observers)
        {
            await observer.OnCommunityAccessAppliedAsync(connection, communityId, view);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-evaluating access of connection {ConnectionId} to community {CommunityId} failed (attempt {Attempt}); access dropped until a retry succeeds")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, string connectionId, long communityId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying a change of its user's stream to connection {ConnectionId} after its Ready failed")]
    private static partial void LogDeferredFailed(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping access of connection {ConnectionId} to community {CommunityId} failed")]
    private static partial void LogDropFailed(ILogger logger, Exception exception, string connectionId, long communityId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking whether the user of connection {ConnectionId} left community {CommunityId} failed; the community is dropped")]
    private static partial void LogLeftCheckFailed(ILogger logger, Exception exception, string connectionId, long communityId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up re-evaluating access of connection {ConnectionId} to community {CommunityId}; it stays without access until it reconnects")]
    private static partial void LogGaveUp(ILogger logger, string connectionId, long communityId);
}
