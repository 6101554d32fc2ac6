using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.Gateway;

/// <summary>
/// Adds streams beyond communities and channels to a live connection (a new friend's presence, a new DM) and removes
/// them again: its subscription and its group, under the connection's own lock.
/// </summary>
public sealed class GatewayExtraStreams(GatewayConnectionRegistry registry, GatewayStreamSubscriptions subscriptions, IHubContext<GatewayHub> hub)
{
    /// <summary>Returns once the stream's events reach the connection; a closed or unknown connection is left alone.</summary>
    public async Task AddAsync(string connectionId, string ns, long key)
    {
        if (registry.Find(connectionId) is not { } connection)
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

            await subscriptions.AcquireAsync(ns, key);
            await hub.Groups.AddToGroupAsync(connectionId, GatewayGroups.For(ns, key));
            connection.ExtraStreams.Add((ns, key));
        }
        finally
        {
            connection.Sync.Release();
        }
    }

    /// <summary>
    /// Adds a stream to a connection whose lock the caller holds (<see cref="GatewayAccess.ForUserAsync"/>): subscribed, then
    /// <paramref name="announce"/>, then its group, so the announcement comes before anything of the stream. False, with
    /// nothing announced, when the connection has the stream already (its <c>Ready</c> had it).
    /// </summary>
    public async Task<bool> AddHeldAsync(ConnectionInfo connection, string ns, long key, Func<Task> announce)
    {
        if (connection.Closed || connection.ExtraStreams.Contains((ns, key)))
        {
            return false;
        }

        await subscriptions.AcquireAsync(ns, key);
        connection.ExtraStreams.Add((ns, key));
        await announce();
        await hub.Groups.AddToGroupAsync(connection.ConnectionId, GatewayGroups.For(ns, key));
        return true;
    }

    /// <summary>Removes a stream from a connection whose lock the caller holds, then announces it; false when it had none.</summary>
    public async Task<bool> RemoveHeldAsync(ConnectionInfo connection, string ns, long key, Func<Task> announce)
    {
        if (!connection.ExtraStreams.Remove((ns, key)))
        {
            return false;
        }

        await hub.Groups.RemoveFromGroupAsync(connection.ConnectionId, GatewayGroups.For(ns, key));
        await subscriptions.ReleaseAsync(ns, key);
        await announce();
        return true;
    }

    /// <summary>Removes a stream added with <see cref="AddAsync"/>.</summary>
    public async Task RemoveAsync(string connectionId, string ns, long key)
    {
        if (registry.Find(connectionId) is not { } connection)
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
            await subscriptions.ReleaseAsync(ns, key);
        }
        finally
        {
            connection.Sync.Release();
        }
    }
}
