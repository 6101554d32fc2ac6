using Chaos.Hosting;

namespace Chaos.Api.Gateway;

/// <summary>
/// What one local gateway connection listens to. <see cref="Sync"/> serializes every change to it; the channel sets in
/// <see cref="Communities"/> are also read by <see cref="GatewayConnectionRegistry"/> under its own lock.
/// </summary>
public sealed class ConnectionInfo(string connectionId, long userId)
{
    /// <summary>How many membership versions of DMs and groups one connection remembers at most.</summary>
    public const int MaxPrivateVersions = 1024;

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

    /// <summary>
    /// False while the connection is being set up: re-evaluations leave it alone, and it replays the access changes logged
    /// since <see cref="AccessMark"/> once it is (docs/architecture.md#access-re-evaluation).
    /// </summary>
    public bool Ready { get; set; }

    /// <summary>Whether it holds a reference on its user's stream (from <c>BeginAsync</c> until it disconnects).</summary>
    public bool UserStreamHeld { get; set; }

    /// <summary>Completes once the connection is set up and has replayed the log, or has failed and been given back.</summary>
    public TaskCompletionSource Settled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The access log position taken before its snapshot was read.</summary>
    public long AccessMark { get; set; }

    /// <summary>Community streams taken before the snapshot (so no change in between is missed), given back once set up.</summary>
    public List<long> Preheld { get; } = [];

    /// <summary>
    /// Changes from the user's own stream (a new DM or group, a removal from a group) that arrived while the connection was
    /// being set up; applied right after its <c>Ready</c>, before it settles (<see cref="GatewayAccess.ForUserAsync"/>).
    /// </summary>
    public List<Func<ConnectionInfo, Task>> Deferred { get; } = [];

    /// <summary>DM or group id → the newest membership version of it applied to this connection (its snapshot's, or a change's).</summary>
    public Dictionary<long, long> PrivateVersions { get; } = [];

    /// <summary>
    /// Whether a membership change of one DM or group (its version, 0 when unknown) is newer than what this connection
    /// has applied, recording it when it is; the caller holds <see cref="Sync"/>. A removal delivered by the group's
    /// channel stream after the user was added again (the add came on the user stream) is older, and ignored.
    /// </summary>
    public bool TakePrivateVersion(long channelId, long version)
    {
        if (version == 0)
        {
            return true;
        }

        if (PrivateVersions.TryGetValue(channelId, out var applied) && version <= applied)
        {
            return false;
        }

        if (PrivateVersions.Count >= MaxPrivateVersions)
        {
            // Bounded: a connection that saw this many groups change keeps the ones it still holds.
            foreach (var id in PrivateVersions.Keys.Where(id => !ExtraStreams.Contains((ChaosProviders.ChannelNamespace, id))).ToList())
            {
                PrivateVersions.Remove(id);
            }
        }

        PrivateVersions[channelId] = version;
        return true;
    }

    /// <summary>Streams beyond communities and channels (friends' presence, DMs, voice), as (namespace, key).</summary>
    public HashSet<(string Namespace, long Key)> ExtraStreams { get; } = [];
}
