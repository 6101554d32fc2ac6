using Chaos.Accounts;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Hosting;

namespace Chaos.Api.Gateway;

/// <summary>
/// The front door's access log: a bounded ring of the access changes (<c>AccessChanged</c> on a community stream,
/// <c>MembershipChanged</c>) it dispatched. A connection being set up takes the log's position before reading its
/// snapshot; joins logged since are folded into its <c>Ready</c>, and the rest is replayed once it is set up
/// (docs/architecture.md#access-re-evaluation).
/// </summary>
public sealed partial class GatewayAccessLog(
    IClusterClient cluster,
    GatewayConnectionRegistry registry,
    GatewayStreamSubscriptions subscriptions,
    ILogger<GatewayAccessLog> logger)
{
    /// <summary>Access changes remembered for connections being set up; one that missed more re-reads everything.</summary>
    public const int Capacity = 4096;

    private readonly Lock gate = new();
    private readonly Queue<AccessLogEntry> log = new();
    private long seq;
    private long droppedThrough;

    /// <summary>The position of the newest change logged: a connection replays what is logged after it.</summary>
    public long Position
    {
        get
        {
            lock (gate)
            {
                return seq;
            }
        }
    }

    /// <summary>Logs one dispatched change (<paramref name="joined"/>: the user of <paramref name="userId"/> joined or created it).</summary>
    public void Record(long communityId, long? userId, long version, bool joined)
    {
        lock (gate)
        {
            log.Enqueue(new AccessLogEntry(++seq, communityId, userId, version, joined));
            while (log.Count > Capacity)
            {
                droppedThrough = log.Dequeue().Seq;
            }
        }
    }

    /// <summary>
    /// Adds to a snapshot about to be sent the communities the user joined (or created) after the connection took its log
    /// position and that the snapshot lacks: each one's community stream is taken before its view is read (as in
    /// <see cref="GatewayAccess.PreholdAsync"/>), then its channels' streams; its change counts as applied, so the replay
    /// after <c>Ready</c> does not announce it again. A community whose view cannot be read now is left to that replay,
    /// which retries and drops access on failure (docs/architecture.md#access-re-evaluation).
    /// </summary>
    public async Task FoldJoinedAsync(ConnectionInfo connection, List<Community> communities)
    {
        List<AccessLogEntry> joined;
        lock (gate)
        {
            if (droppedThrough > connection.AccessMark)
            {
                // Overflowed: the replay re-reads everything.
                return;
            }

            joined = [.. log.Where(e => e.Seq > connection.AccessMark && e.Joined && e.UserId == connection.UserId)];
        }

        foreach (var entry in joined)
        {
            var communityId = entry.CommunityId;
            if (communities.Any(c => c.Id == communityId))
            {
                continue;
            }

            Community view;
            try
            {
                await subscriptions.AcquireAsync(ChaosProviders.CommunityNamespace, communityId);
            }
            catch (Exception exception)
            {
                LogFoldFailed(logger, exception, connection.ConnectionId, communityId);
                continue;
            }

            try
            {
                view = await cluster.GetGrain<ICommunityGrain>(communityId).GetAsync(connection.UserId);
                await subscriptions.AcquireAllAsync([.. view.Channels.Select(c => (ChaosProviders.ChannelNamespace, c.Id))]);
            }
            catch (Exception exception)
            {
                if (exception is not ChaosException)
                {
                    LogFoldFailed(logger, exception, connection.ConnectionId, communityId);
                }

                // Left again (a ChaosException), or not readable now: the replay after Ready has it.
                await subscriptions.ReleaseAsync(ChaosProviders.CommunityNamespace, communityId);
                continue;
            }

            registry.SetChannels(connection, communityId, view.Channels.Select(c => c.Id).ToHashSet());
            connection.AccessVersions[communityId] = entry.Version;
            communities.Add(view);
        }
    }

    /// <summary>
    /// Replays the access changes dispatched while the connection read its snapshot through <paramref name="refresh"/>
    /// (community id, version, force): the entries that concern it, or, when too many went by, every community it holds
    /// or now belongs to, forced.
    /// </summary>
    public async Task ReplayAsync(ConnectionInfo connection, Func<long, long, bool, Task> refresh)
    {
        List<AccessLogEntry> entries;
        bool complete;
        lock (gate)
        {
            complete = droppedThrough <= connection.AccessMark;
            entries = [.. log.Where(e => e.Seq > connection.AccessMark)];
        }

        if (!complete)
        {
            IReadOnlyList<long> ids;
            try
            {
                ids = await cluster.GetGrain<IUserGrain>(connection.UserId).GetCommunityIdsAsync();
            }
            catch (Exception exception)
            {
                LogCommunitiesUnread(logger, exception, connection.ConnectionId);
                ids = [];
            }

            foreach (var id in ids.Union(connection.Communities.Keys.ToList()))
            {
                await refresh(id, 0, true);
            }

            return;
        }

        foreach (var entry in entries)
        {
            if (entry.UserId == connection.UserId || (entry.UserId is null && registry.ChannelsOf(connection, entry.CommunityId) is not null))
            {
                await refresh(entry.CommunityId, entry.Version, false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Folding community {CommunityId}, joined meanwhile, into the Ready of connection {ConnectionId} failed; the replay after Ready applies it")]
    private static partial void LogFoldFailed(ILogger logger, Exception exception, string connectionId, long communityId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the communities of connection {ConnectionId}'s user for its replay failed; only the communities it holds are re-evaluated")]
    private static partial void LogCommunitiesUnread(ILogger logger, Exception exception, string connectionId);
}
