using Chaos.Communities;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.Gateway;

/// <summary>
/// Keeps each local connection's groups and stream subscriptions in line with what its user may see: granted from
/// <c>Ready</c> at connect, re-evaluated on every access change (once per change and stream kind), dropped at disconnect.
/// </summary>
public sealed class GatewayAccess(
    IClusterClient cluster,
    GatewayConnectionRegistry registry,
    GatewayStreamSubscriptions subscriptions,
    IHubContext<GatewayHub> hub,
    IEnumerable<IGatewayConnectionObserver> observers)
{
    private readonly IGatewayConnectionObserver[] observers = [.. observers];

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
            registry.Add(connection);
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

                registry.SetChannels(connection, community.Id, community.Channels.Select(c => c.Id).ToHashSet());
                registry.IndexCommunity(community.Id, connectionId);
            }
        }
        finally
        {
            connection.Sync.Release();
        }

        return connection;
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
                await subscriptions.AcquireAsync(ns, key);
                taken.Add((ns, key));
            }
        }
        catch
        {
            registry.Remove(connection);
            connection.Closed = true;
            foreach (var (ns, key) in taken)
            {
                await subscriptions.ReleaseAsync(ns, key);
            }

            throw;
        }
    }

    public async Task DisconnectAsync(string connectionId)
    {
        if (registry.Remove(connectionId) is not { } connection)
        {
            return;
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

        await subscriptions.ReleaseAsync(ChaosProviders.UserNamespace, connection.UserId);
        foreach (var (ns, key) in connection.ExtraStreams.ToList())
        {
            await subscriptions.ReleaseAsync(ns, key);
        }
    }

    /// <summary>
    /// Re-evaluates the affected local connections once per change and stream kind. A channel stream only ever narrows
    /// or widens channel groups: leaving the community (and its group) is the community stream's job, so a member who
    /// loses access still hears <c>MemberLeft</c> there, in order, before being cut off.
    /// </summary>
    public async Task ReevaluateAsync(AccessChanged change, bool channelsOnly)
    {
        var affected = change.UserId is { } userId ? registry.OfUser(userId) : registry.InCommunity(change.CommunityId);
        await Task.WhenAll(affected.Select(c => RefreshAsync(c, change.CommunityId, change.Version, channelsOnly)));
    }

    /// <summary>
    /// Brings one connection in line with the community as its user now sees it, unless a change at least as new was
    /// applied already; returns that view (null: no access, or nothing to do).
    /// </summary>
    public async Task<Community?> RefreshAsync(ConnectionInfo connection, long communityId, long version, bool channelsOnly)
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
            await subscriptions.AcquireAsync(ChaosProviders.CommunityNamespace, communityId);
            await hub.Groups.AddToGroupAsync(connection.ConnectionId, GatewayGroups.Community(communityId));
            registry.IndexCommunity(communityId, connection.ConnectionId);
        }

        foreach (var channelId in wanted.Except(had ?? []))
        {
            await subscriptions.AcquireAsync(ChaosProviders.ChannelNamespace, channelId);
            await hub.Groups.AddToGroupAsync(connection.ConnectionId, GatewayGroups.Channel(channelId));
        }

        var hidden = (had ?? []).Except(wanted).ToList();
        foreach (var channelId in hidden)
        {
            await hub.Groups.RemoveFromGroupAsync(connection.ConnectionId, GatewayGroups.Channel(channelId));
            await subscriptions.ReleaseAsync(ChaosProviders.ChannelNamespace, channelId);
        }

        if (hidden.Count > 0)
        {
            foreach (var observer in observers)
            {
                await observer.OnChannelsHiddenAsync(connection.ConnectionId, connection.UserId, hidden);
            }
        }

        if (view is null && !keepCommunity)
        {
            registry.ForgetChannels(connection, communityId);
        }
        else if (view is not null || had is not null)
        {
            registry.SetChannels(connection, communityId, wanted);
        }

        if (view is null && had is not null && !keepCommunity)
        {
            await hub.Groups.RemoveFromGroupAsync(connection.ConnectionId, GatewayGroups.Community(communityId));
            registry.Unindex(communityId, connection.ConnectionId);
            await subscriptions.ReleaseAsync(ChaosProviders.CommunityNamespace, communityId);
        }
    }
}
