using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace Chaos.Storage;

/// <summary>
/// Keeps <c>PubSubStore</c> from growing forever. Orleans' pub-sub grain clears its state when a stream has no producers
/// and no consumers left; the provider is set to delete the row then (<c>DeleteStateOnClear</c>), but rows cleared
/// before that (kept with a NULL payload) and any a failed delete left behind stay. This job deletes them: pub-sub rows
/// with a NULL payload — no producers, no consumers — last written more than <see cref="PubSubCleanupOptions.MinAgeMinutes"/>
/// ago, in batches, every <see cref="PubSubCleanupOptions.IntervalMinutes"/>, on every silo (the DELETE is idempotent).
/// <para>
/// Safe while the cluster runs: a live stream's row always has a payload, and a pub-sub activation that still held a
/// deleted row's version would be told its write conflicts (one failed subscribe, which the caller retries on a fresh
/// activation) — never a lost subscriber.
/// </para>
/// </summary>
public sealed partial class PubSubStoreCleanup(
    NpgsqlDataSource dataSource,
    IOptions<PubSubCleanupOptions> options,
    IOptions<ClusterOptions> cluster,
    TimeProvider time,
    ILogger<PubSubStoreCleanup> logger) : BackgroundService
{
    /// <summary>The state name Orleans' pub-sub grain stores its producers and consumers under (<c>graintypestring</c>).</summary>
    public const string PubSubStateName = "PubSubRendezvousGrain";

    /// <summary>Deletes one sweep's worth of cleared rows; answers how many.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var cutoff = time.GetUtcNow() - TimeSpan.FromMinutes(settings.MinAgeMinutes);
        var total = 0;
        while (true)
        {
            await using var command = dataSource.CreateCommand("""
                DELETE FROM orleansstorage
                WHERE ctid IN (
                    SELECT ctid FROM orleansstorage
                    WHERE serviceid = $1 AND graintypestring = $2 AND payloadbinary IS NULL AND modifiedon < $3
                    LIMIT $4)
                """);
            command.Parameters.AddWithValue(cluster.Value.ServiceId);
            command.Parameters.AddWithValue(PubSubStateName);
            command.Parameters.AddWithValue(cutoff);
            command.Parameters.AddWithValue(Math.Max(1, settings.BatchSize));
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
            if (deleted < settings.BatchSize)
            {
                return total;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(Math.Max(1, settings.IntervalMinutes)), time);
        do
        {
            try
            {
                var deleted = await RunOnceAsync(stoppingToken);
                if (deleted > 0)
                {
                    LogDeleted(logger, deleted);
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                LogFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} cleared stream pub-sub rows")]
    private static partial void LogDeleted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleaning stream pub-sub rows failed; the next sweep tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
