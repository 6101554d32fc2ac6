using Chaos.Api.Gateway;
using Chaos.Presence;
using Microsoft.Extensions.Options;

namespace Chaos.Api.Presence;

/// <summary>
/// This front door's side of presence: tells each user's Presence grain about connections as they open and close, and
/// renews the lease on the whole set every <see cref="PresenceOptions.LeaseSeconds"/> (with the latest activity), so the
/// connections of a front door that dies stop counting after three missed renewals instead of sticking online forever.
/// </summary>
public sealed partial class PresenceTracker(IClusterClient cluster, IOptions<PresenceOptions> options, TimeProvider time, ILogger<PresenceTracker> logger)
    : BackgroundService, IGatewayConnectionObserver
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, Entry> users = [];

    /// <summary>
    /// Serializes what this front door tells one user's grain (striped by user id): a renewal carries a snapshot of the
    /// whole set, and must never overtake a connect or disconnect that happened after its snapshot was taken.
    /// </summary>
    private readonly SemaphoreSlim[] stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>Identifies this process's lease in every Presence grain.</summary>
    public string FrontDoorId { get; } = Guid.NewGuid().ToString("N");

    public async Task OnConnectedAsync(string connectionId, long userId)
    {
        var stripe = Stripe(userId);
        await stripe.WaitAsync();
        try
        {
            if (!Tracks(connectionId, userId))
            {
                await ConnectCoreAsync(connectionId, userId);
            }
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>
    /// Counts a new connection only if the user has fewer than <paramref name="maxConnections"/> across the cluster
    /// (the gateway's per-user cap, docs/architecture.md#connection-limits); false refuses it and changes nothing.
    /// </summary>
    public async Task<bool> TryAdmitAsync(string connectionId, long userId, int maxConnections)
    {
        var stripe = Stripe(userId);
        await stripe.WaitAsync();
        try
        {
            if (!await cluster.GetGrain<IPresenceGrain>(userId).TryConnectAsync(FrontDoorId, connectionId, maxConnections))
            {
                return false;
            }

            lock (gate)
            {
                if (!users.TryGetValue(userId, out var entry))
                {
                    users[userId] = entry = new Entry();
                }

                entry.Connections.Add(connectionId);
                entry.LastActivity = time.GetUtcNow();
                entry.Idle = false;
            }

            return true;
        }
        finally
        {
            stripe.Release();
        }
    }

    public async Task OnDisconnectedAsync(string connectionId, long userId)
    {
        var stripe = Stripe(userId);
        await stripe.WaitAsync();
        try
        {
            await DisconnectCoreAsync(connectionId, userId);
        }
        finally
        {
            stripe.Release();
        }
    }

    private bool Tracks(string connectionId, long userId)
    {
        lock (gate)
        {
            return users.TryGetValue(userId, out var entry) && entry.Connections.Contains(connectionId);
        }
    }

    private async Task ConnectCoreAsync(string connectionId, long userId)
    {
        lock (gate)
        {
            if (!users.TryGetValue(userId, out var entry))
            {
                users[userId] = entry = new Entry();
            }

            entry.Connections.Add(connectionId);
            entry.LastActivity = time.GetUtcNow();
            entry.Idle = false;
        }

        await cluster.GetGrain<IPresenceGrain>(userId).ConnectAsync(FrontDoorId, connectionId);
    }

    private async Task DisconnectCoreAsync(string connectionId, long userId)
    {
        lock (gate)
        {
            if (users.TryGetValue(userId, out var entry) && entry.Connections.Remove(connectionId) && entry.Connections.Count == 0)
            {
                users.Remove(userId);
            }
        }

        await cluster.GetGrain<IPresenceGrain>(userId).DisconnectAsync(FrontDoorId, connectionId);
    }

    /// <summary>The user did something on this front door. Only the first activity after an idle <c>away</c> costs a grain call.</summary>
    public void Touch(long userId)
    {
        var report = false;
        lock (gate)
        {
            if (users.TryGetValue(userId, out var entry))
            {
                entry.LastActivity = time.GetUtcNow();
                report = entry.Idle;
                entry.Idle = false;
            }
        }

        if (report)
        {
            _ = ReportActivityAsync(userId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(0.1, options.Value.LeaseSeconds)), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            List<long> snapshot;
            lock (gate)
            {
                snapshot = [.. users.Keys];
            }

            await Parallel.ForEachAsync(snapshot, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = stoppingToken }, async (userId, _) =>
            {
                var stripe = Stripe(userId);
                await stripe.WaitAsync(CancellationToken.None);
                try
                {
                    string[] connections;
                    DateTimeOffset lastActivity;
                    lock (gate)
                    {
                        if (!users.TryGetValue(userId, out var current))
                        {
                            return;
                        }

                        (connections, lastActivity) = ([.. current.Connections], current.LastActivity);
                    }

                    var idle = await cluster.GetGrain<IPresenceGrain>(userId).RenewAsync(FrontDoorId, connections, lastActivity);
                    lock (gate)
                    {
                        if (users.TryGetValue(userId, out var entry))
                        {
                            entry.Idle = idle;
                        }
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogRenewFailed(logger, exception, userId);
                }
                finally
                {
                    stripe.Release();
                }
            });
        }
    }

    private SemaphoreSlim Stripe(long userId) => stripes[(int)((ulong)userId % (ulong)stripes.Length)];

    private async Task ReportActivityAsync(long userId)
    {
        try
        {
            await cluster.GetGrain<IPresenceGrain>(userId).ActivityAsync();
        }
        catch (Exception exception)
        {
            LogRenewFailed(logger, exception, userId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence lease renewal for user {UserId} failed")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, long userId);

    private sealed class Entry
    {
        public HashSet<string> Connections { get; } = [];

        public DateTimeOffset LastActivity { get; set; }

        public bool Idle { get; set; }
    }
}
