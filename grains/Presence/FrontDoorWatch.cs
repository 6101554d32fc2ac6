using Chaos.Gateway;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chaos.Presence;

/// <summary>
/// One per silo: finds the front doors that died for the Presence grains activated here
/// (docs/architecture.md#presence). A Presence grain tells it which front doors hold its user's connections; every
/// <see cref="FrontDoorLease.Renewal"/>, while it watches any, it asks the front-door directory which doors still renew
/// their lease, and tells the grains of a door that stopped (<see cref="IPresenceGrain.FrontDoorGoneAsync"/>). So a dead
/// front door's connections stop counting within about 20 s, at the cost of one directory call per silo per renewal —
/// not one call per connected user.
/// </summary>
internal sealed partial class FrontDoorWatch(IGrainFactory grains, TimeProvider time, ILogger<FrontDoorWatch> logger) : BackgroundService
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Watched> frontDoors = [];

    public void Watch(string frontDoorId, long userId)
    {
        lock (gate)
        {
            if (!frontDoors.TryGetValue(frontDoorId, out var watched))
            {
                frontDoors[frontDoorId] = watched = new Watched(time.GetUtcNow());
            }

            watched.Users.Add(userId);
        }
    }

    public void Unwatch(string frontDoorId, long userId)
    {
        lock (gate)
        {
            if (frontDoors.TryGetValue(frontDoorId, out var watched) && watched.Users.Remove(userId) && watched.Users.Count == 0)
            {
                frontDoors.Remove(frontDoorId);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FrontDoorLease.Renewal, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (frontDoors.Count == 0)
            {
                return;
            }
        }

        FrontDoorLiveness liveness;
        try
        {
            liveness = await grains.GetGrain<IFrontDoorDirectoryGrain>(0).GetLivenessAsync();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogDirectoryFailed(logger, exception);
            return;
        }

        if (liveness.Age < FrontDoorLease.Duration)
        {
            // A directory that just moved has not heard from every live front door yet.
            return;
        }

        var live = liveness.FrontDoorIds.ToHashSet();
        var now = time.GetUtcNow();
        List<(string FrontDoorId, long[] Users)> dead = [];
        lock (gate)
        {
            foreach (var (frontDoorId, watched) in frontDoors)
            {
                // Watched for a whole lease and still not in the directory: it never renewed, or stopped.
                if (!live.Contains(frontDoorId) && now - watched.Since >= FrontDoorLease.Duration)
                {
                    dead.Add((frontDoorId, [.. watched.Users]));
                }
            }
        }

        // Each grain unwatches as it drops the front door; one whose call failed is told again at the next check.

        foreach (var (frontDoorId, users) in dead)
        {
            LogFrontDoorDead(logger, frontDoorId, users.Length);
            await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (userId, _) =>
            {
                try
                {
                    await grains.GetGrain<IPresenceGrain>(userId).FrontDoorGoneAsync(frontDoorId);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogGoneFailed(logger, exception, userId);
                }
            });
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Front door {FrontDoorId} stopped renewing its lease; its connections of {Users} users stop counting")]
    private static partial void LogFrontDoorDead(ILogger logger, string frontDoorId, int users);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the front-door directory; dead front doors are looked for again at the next renewal")]
    private static partial void LogDirectoryFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell user {UserId}'s Presence grain that a front door died")]
    private static partial void LogGoneFailed(ILogger logger, Exception exception, long userId);

    private sealed class Watched(DateTimeOffset since)
    {
        public DateTimeOffset Since { get; } = since;

        public HashSet<long> Users { get; } = [];
    }
}
