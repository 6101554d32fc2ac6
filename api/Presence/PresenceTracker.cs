using Chaos.Api.Gateway;
using Chaos.Gateway;
using Chaos.Hosting;
using Chaos.Presence;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Chaos.Api.Presence;

/// <summary>
/// This front door's side of presence (docs/architecture.md#presence): tells each user's Presence grain about
/// connections as they open and close, and about activity only where it matters — at once when the grain may show the
/// user <c>away</c> within two sweeps (or already does), otherwise on a sweep every
/// <see cref="PresenceOptions.ActivitySweepSeconds"/> once that <c>away</c> is less than three sweeps off, so every report
/// lands at least one sweep before it. An idle connection costs no grain call. Whether this front door is alive is its
/// entry in the front-door directory (<see cref="GatewayDeliveryBarrier"/> renews it under the
/// <see cref="FrontDoorIdentity"/>; each silo's <c>FrontDoorWatch</c> tells the grains of a door that stopped). After a
/// silo left, the Presence grains it held are gone: this front door restores its users' connections in them (or, where
/// no membership view exists, every sweep), and re-reads the presence of the users its connections watch, since a user
/// whose grain and front door died together has nobody left to say they went offline.
/// </summary>
public sealed partial class PresenceTracker(
    IClusterClient cluster,
    FrontDoorIdentity frontDoor,
    GatewayStreamSubscriptions subscriptions,
    GatewayEventInbox inbox,
    IServiceProvider services,
    PresenceMetrics metrics,
    IOptions<PresenceOptions> options,
    TimeProvider time,
    ILogger<PresenceTracker> logger) : BackgroundService, IGatewayConnectionObserver
{
    /// <summary>Restore rounds after a silo left: at once, then while grain locations settle on the survivors.</summary>
    private static readonly TimeSpan[] RestoreRounds = [TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20)];

    /// <summary>After which restore round the watched presences are re-read: every front door has restored by then.</summary>
    private const int RefreshAfterRound = 1;

    private readonly Lock gate = new();
    private readonly Dictionary<long, Entry> users = [];

    /// <summary>Users with activity their Presence grain has not heard of (the sweep's whole work list).</summary>
    private readonly HashSet<long> unreported = [];

    /// <summary>
    /// Serializes what this front door tells one user's grain (striped by user id): a restore carries a snapshot of the
    /// whole set, and must never overtake a connect or disconnect that happened after its snapshot was taken.
    /// </summary>
    private readonly SemaphoreSlim[] stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    private readonly SemaphoreSlim restoring = new(1, 1);

    /// <summary>Identifies this front door in every Presence grain: the id it holds in the front-door directory.</summary>
    public string FrontDoorId => frontDoor.Id;

    /// <summary>Completed activity sweeps (tests await sweeps instead of sleeping).</summary>
    public long Sweeps => Interlocked.Read(ref sweeps);

    private long sweeps;

    private TimeSpan Sweep => TimeSpan.FromSeconds(Math.Max(0.01, options.Value.ActivitySweepSeconds));

    private TimeSpan IdleAfter => TimeSpan.FromSeconds(options.Value.IdleSeconds);

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
            metrics.OnFrontDoorCall();
            if (!await cluster.GetGrain<IPresenceGrain>(userId).TryConnectAsync(FrontDoorId, connectionId, maxConnections))
            {
                return false;
            }

            Connected(connectionId, userId);
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
        Connected(connectionId, userId);
        metrics.OnFrontDoorCall();
        await cluster.GetGrain<IPresenceGrain>(userId).ConnectAsync(FrontDoorId, connectionId);
    }

    /// <summary>A connect is activity the grain hears of (it sets its last activity to the connect's time).</summary>
    private void Connected(string connectionId, long userId)
    {
        lock (gate)
        {
            if (!users.TryGetValue(userId, out var entry))
            {
                users[userId] = entry = new Entry();
            }

            entry.Connections.Add(connectionId);
            entry.LastActivity = entry.Reported = time.GetUtcNow();
        }
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

        metrics.OnFrontDoorCall();
        await cluster.GetGrain<IPresenceGrain>(userId).DisconnectAsync(FrontDoorId, connectionId);
    }

    /// <summary>
    /// The user did something on this front door. Costs a grain call only when the grain may show the user <c>away</c>
    /// within two sweeps (or already does); otherwise the sweep passes it on at least a sweep before that moment.
    /// </summary>
    public void Touch(long userId)
    {
        DateTimeOffset now;
        lock (gate)
        {
            if (!users.TryGetValue(userId, out var entry))
            {
                return;
            }

            now = time.GetUtcNow();
            entry.LastActivity = now;
            // The grain's last activity is at least what this front door reported, so its away is at least that far off.
            if (entry.Reported + IdleAfter - now > Sweep * 2)
            {
                unreported.Add(userId);
                return;
            }

            entry.Reported = now;
        }

        _ = ReportActivityAsync(userId, now);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Silos may have dropped this door's connections while its lease was lost (or the directory moved): put them back.
        void Restore() => _ = RestoreAfterLeaseLostAsync(stoppingToken);
        frontDoor.LeaseLost += Restore;
        try
        {
            await Task.WhenAll(SweepLoopAsync(stoppingToken), RestoreLoopAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            frontDoor.LeaseLost -= Restore;
        }
    }

    private async Task RestoreAfterLeaseLostAsync(CancellationToken stoppingToken)
    {
        try
        {
            LogLeaseLost(logger);
            await RestoreAllAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Every sweep: activity not yet reported, for users whose grain would turn them <c>away</c> within three sweeps.
    /// Activity left to the sweep was more than two sweeps before that moment and a sweep comes within one, so the
    /// report lands at least a sweep before it.
    /// </summary>
    private async Task SweepLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Sweep, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            List<(long UserId, DateTimeOffset At)> due = [];
            lock (gate)
            {
                var now = time.GetUtcNow();
                unreported.RemoveWhere(userId =>
                {
                    if (!users.TryGetValue(userId, out var entry) || entry.LastActivity <= entry.Reported)
                    {
                        return true;
                    }

                    if (entry.Reported + IdleAfter - now > Sweep * 3)
                    {
                        return false;
                    }

                    entry.Reported = entry.LastActivity;
                    due.Add((userId, entry.LastActivity));
                    return true;
                });
            }

            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 32 }, (report, _) => new ValueTask(ReportActivityAsync(report.UserId, report.At)));
            Interlocked.Increment(ref sweeps);
        }
    }

    /// <summary>
    /// Restores this front door's connections in every user's Presence grain after a silo was declared dead (its
    /// activations are gone; a fresh one knows no connection). A front door without a membership view (split mode)
    /// cannot see that happen and restores every sweep instead.
    /// </summary>
    private async Task RestoreLoopAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<IClusterMembershipService>() is not { } membership)
        {
            using var timer = new PeriodicTimer(Sweep, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RestoreAllAsync(stoppingToken);
            }

            return;
        }

        await foreach (var changes in SiloStatusChanges.ReadAllAsync(membership, stoppingToken))
        {
            if (changes.Any(c => c.Now == SiloStatus.Dead))
            {
                _ = RestoreRoundsAsync(stoppingToken);
            }
        }
    }

    private async Task RestoreRoundsAsync(CancellationToken stoppingToken)
    {
        try
        {
            var started = time.GetUtcNow();
            for (var round = 0; round < RestoreRounds.Length; round++)
            {
                var wait = started + RestoreRounds[round] - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stoppingToken);
                }

                await RestoreAllAsync(stoppingToken);
                if (round == RefreshAfterRound)
                {
                    await RefreshWatchedAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RestoreAllAsync(CancellationToken stoppingToken)
    {
        await restoring.WaitAsync(stoppingToken);
        try
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
                        if (!users.TryGetValue(userId, out var entry))
                        {
                            return;
                        }

                        (connections, lastActivity) = ([.. entry.Connections], entry.LastActivity);
                        entry.Reported = lastActivity;
                    }

                    metrics.OnFrontDoorCall();
                    await cluster.GetGrain<IPresenceGrain>(userId).RestoreAsync(FrontDoorId, connections, lastActivity);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogRestoreFailed(logger, exception, userId);
                }
                finally
                {
                    stripe.Release();
                }
            });
        }
        finally
        {
            restoring.Release();
        }
    }

    /// <summary>
    /// Re-reads the presence of every user this front door's connections watch and delivers <c>offline</c> for those
    /// who are: a user whose Presence grain died with the silo of their only front door was last shown online, and no
    /// grain is left to publish the change. Only after a silo left; an <c>offline</c> already shown arrives once more.
    /// </summary>
    private async Task RefreshWatchedAsync(CancellationToken stoppingToken)
    {
        var watched = subscriptions.Keys(ChaosProviders.PresenceNamespace);
        var offline = 0;
        await Parallel.ForEachAsync(watched, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = stoppingToken }, async (userId, _) =>
        {
            try
            {
                var presence = await cluster.GetGrain<IPresenceGrain>(userId).GetAsync();
                if (presence.Status == PresenceStatus.Offline)
                {
                    Interlocked.Increment(ref offline);
                    await inbox.PostAsync(ChaosProviders.PresenceNamespace, userId, new GatewayEvent(GatewayEvents.PresenceUpdated, presence, null));
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRefreshFailed(logger, exception, userId);
            }
        });
        LogRefreshed(logger, watched.Count, offline);
    }

    private SemaphoreSlim Stripe(long userId) => stripes[(int)((ulong)userId % (ulong)stripes.Length)];

    private async Task ReportActivityAsync(long userId, DateTimeOffset at)
    {
        try
        {
            metrics.OnFrontDoorCall();
            await cluster.GetGrain<IPresenceGrain>(userId).ActivityAsync(at);
        }
        catch (Exception exception)
        {
            LogActivityFailed(logger, exception, userId);
            lock (gate)
            {
                if (users.TryGetValue(userId, out var entry))
                {
                    // Unheard: the next activity reports at once, and the sweep passes this one on.
                    entry.Reported = DateTimeOffset.MinValue;
                    unreported.Add(userId);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence activity report for user {UserId} failed")]
    private static partial void LogActivityFailed(ILogger logger, Exception exception, long userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "After a silo left: re-read the presence of {Watched} watched users, {Offline} offline")]
    private static partial void LogRefreshed(ILogger logger, int watched, int offline);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The front-door directory had lost this front door's lease: restoring its connections in presence")]
    private static partial void LogLeaseLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence refresh for user {UserId} failed")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, long userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence restore for user {UserId} failed")]
    private static partial void LogRestoreFailed(ILogger logger, Exception exception, long userId);

    private sealed class Entry
    {
        public HashSet<string> Connections { get; } = [];

        /// <summary>The latest activity on this front door.</summary>
        public DateTimeOffset LastActivity { get; set; }

        /// <summary>The latest activity the grain has heard of from this front door: its last activity is at least this.</summary>
        public DateTimeOffset Reported { get; set; }
    }
}
