namespace Chaos.Api.Gateway;

/// <summary>
/// This front door's gateway connections and the indexes that find them: by user (presence, DMs, a user's own changes)
/// and by community (access changes that affect every member, channel viewers). Memory only; it calls nothing.
/// </summary>
public sealed class GatewayConnectionRegistry
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, ConnectionInfo> connections = [];
    private readonly Dictionary<long, HashSet<string>> connectionsByUser = [];
    private readonly Dictionary<long, HashSet<string>> connectionsByCommunity = [];

    /// <summary>Connections open on this front door (a metric).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return connections.Count;
            }
        }
    }

    /// <summary>Adds a connection and indexes it by its user.</summary>
    public void Add(ConnectionInfo connection)
    {
        lock (gate)
        {
            connections[connection.ConnectionId] = connection;
            Index(connectionsByUser, connection.UserId, connection.ConnectionId, add: true);
        }
    }

    /// <summary>Removes a connection from the registry and its user index; its community entries go as it leaves them.</summary>
    public ConnectionInfo? Remove(string connectionId)
    {
        lock (gate)
        {
            if (!connections.Remove(connectionId, out var connection))
            {
                return null;
            }

            Index(connectionsByUser, connection.UserId, connectionId, add: false);
            return connection;
        }
    }

    /// <summary>Removes this very connection (not a later one that reused its id); false when it was not registered.</summary>
    public bool Remove(ConnectionInfo connection)
    {
        lock (gate)
        {
            if (!connections.TryGetValue(connection.ConnectionId, out var registered) || !ReferenceEquals(registered, connection))
            {
                return false;
            }

            connections.Remove(connection.ConnectionId);
            Index(connectionsByUser, connection.UserId, connection.ConnectionId, add: false);
            return true;
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

    public ConnectionInfo? Find(string connectionId)
    {
        lock (gate)
        {
            return connections.GetValueOrDefault(connectionId);
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

    /// <summary>The connections of one user.</summary>
    public IReadOnlyList<ConnectionInfo> OfUser(long userId)
    {
        lock (gate)
        {
            return Resolve(connectionsByUser.GetValueOrDefault(userId));
        }
    }

    /// <summary>The connections that receive a community's events.</summary>
    public IReadOnlyList<ConnectionInfo> InCommunity(long communityId)
    {
        lock (gate)
        {
            return Resolve(connectionsByCommunity.GetValueOrDefault(communityId));
        }
    }

    /// <summary>The ids of the connections that may view one channel of a community.</summary>
    public IReadOnlyList<string> Viewers(long communityId, long channelId)
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

    /// <summary>Records which of a community's channels a connection may view (read by <see cref="Viewers"/>).</summary>
    public void SetChannels(ConnectionInfo connection, long communityId, HashSet<long> channelIds)
    {
        lock (gate)
        {
            connection.Communities[communityId] = channelIds;
        }
    }

    /// <summary>A copy of the channels of a community a connection holds; null when it does not hold the community.</summary>
    public HashSet<long>? ChannelsOf(ConnectionInfo connection, long communityId)
    {
        lock (gate)
        {
            return connection.Communities.TryGetValue(communityId, out var channels) ? [.. channels] : null;
        }
    }

    /// <summary>Adds or removes one channel a connection holds in a community it holds.</summary>
    public void SetChannel(ConnectionInfo connection, long communityId, long channelId, bool held)
    {
        lock (gate)
        {
            if (connection.Communities.TryGetValue(communityId, out var channels))
            {
                // Replaced, not changed in place: Viewers may be enumerating the old set under this lock only.
                connection.Communities[communityId] = held ? [.. channels, channelId] : [.. channels.Where(c => c != channelId)];
            }
        }
    }

    /// <summary>Forgets a connection's channels of a community (its community index entry is <see cref="Unindex"/>'s).</summary>
    public void ForgetChannels(ConnectionInfo connection, long communityId)
    {
        lock (gate)
        {
            connection.Communities.Remove(communityId);
        }
    }

    /// <summary>Indexes a connection under a community it now receives.</summary>
    public void IndexCommunity(long communityId, string connectionId)
    {
        lock (gate)
        {
            Index(connectionsByCommunity, communityId, connectionId, add: true);
        }
    }

    /// <summary>Takes a connection out of a community's index.</summary>
    public void Unindex(long communityId, string connectionId)
    {
        lock (gate)
        {
            Index(connectionsByCommunity, communityId, connectionId, add: false);
        }
    }

    private List<ConnectionInfo> Resolve(HashSet<string>? ids) =>
        (ids ?? []).Select(connections.GetValueOrDefault).OfType<ConnectionInfo>().ToList();

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
}
