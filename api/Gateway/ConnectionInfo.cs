namespace Chaos.Api.Gateway;

/// <summary>
/// What one local gateway connection listens to. <see cref="Sync"/> serializes every change to it; the channel sets in
/// <see cref="Communities"/> are also read by <see cref="GatewayConnectionRegistry"/> under its own lock.
/// </summary>
public sealed class ConnectionInfo(string connectionId, long userId)
{
    public string ConnectionId { get; } = connectionId;

    public long UserId { get; } = userId;

    /// <summary>Community id → the ids of its channels this user may view.</summary>
    public Dictionary<long, HashSet<long>> Communities { get; } = [];

    /// <summary>Community id → the newest access change already applied to this connection.</summary>
    public Dictionary<long, long> AccessVersions { get; } = [];

    /// <summary>Community id → the newest access change applied to this connection's channel groups only.</summary>
    public Dictionary<long, long> ChannelAccessVersions { get; } = [];

    /// <summary>Serializes changes to this connection's groups and streams, so two re-evaluations never interleave.</summary>
    public SemaphoreSlim Sync { get; } = new(1, 1);

    public bool Closed { get; set; }

    /// <summary>Streams beyond communities and channels (friends' presence, DMs, voice), as (namespace, key).</summary>
    public HashSet<(string Namespace, long Key)> ExtraStreams { get; } = [];
}
