using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Chaos.Ids;

/// <summary>
/// Leases this process's snowflake node id from PostgreSQL (table <c>chaos_node_leases</c>) and keeps renewing it,
/// so ids from different processes never collide and nobody configures node ids by hand. Without PostgreSQL the
/// process is alone (standalone in-memory mode) and takes node 0.
/// </summary>
public sealed partial class NodeIdLeaseService(
    SnowflakeIdGenerator generator,
    ILogger<NodeIdLeaseService> logger,
    TimeProvider time,
    NpgsqlDataSource? dataSource = null) : BackgroundService
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);
    private readonly string holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private int nodeId = -1;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (dataSource is null)
        {
            generator.SetNode(0);
            return;
        }

        // Ids are needed from the first request: hold start-up until a lease is in hand.
        long requestedAt;
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            try
            {
                requestedAt = time.GetTimestamp();
                nodeId = await AcquireAsync(cancellationToken);
                if (nodeId >= 0)
                {
                    break;
                }
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                // The database may still be starting.
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new InvalidOperationException("Could not lease a snowflake node id: all 1,024 are taken.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        generator.SetLeasedNode(nodeId, requestedAt, LeaseDuration);
        LogLeased(logger, nodeId);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (dataSource is not null && nodeId >= 0)
        {
            try
            {
                await using var command = dataSource.CreateCommand("DELETE FROM chaos_node_leases WHERE node_id = $1 AND holder = $2");
                command.Parameters.AddWithValue(nodeId);
                command.Parameters.AddWithValue(holder);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException)
            {
                // The lease simply expires.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RenewEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var requestedAt = time.GetTimestamp();
                if (await RenewAsync(stoppingToken))
                {
                    generator.ExtendLease(requestedAt, LeaseDuration);
                }
                else
                {
                    LogLost(logger, nodeId);
                    var next = await AcquireAsync(stoppingToken);
                    if (next >= 0)
                    {
                        nodeId = next;
                        generator.SetLeasedNode(next, requestedAt, LeaseDuration);
                        LogLeased(logger, next);
                    }
                }
            }
            catch (NpgsqlException exception)
            {
                LogRenewFailed(logger, exception);
            }
        }
    }

    private async Task<int> AcquireAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource!.CreateCommand("""
            INSERT INTO chaos_node_leases (node_id, holder, expires_at)
            SELECT n, $1, now() + $2
            FROM generate_series(0, 1023) AS n
            WHERE NOT EXISTS (SELECT 1 FROM chaos_node_leases l WHERE l.node_id = n AND l.expires_at > now())
            ORDER BY random()
            LIMIT 1
            ON CONFLICT (node_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE chaos_node_leases.expires_at <= now()
            RETURNING node_id
            """);
        command.Parameters.AddWithValue(holder);
        command.Parameters.AddWithValue(LeaseDuration);
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is int id ? id : -1;
    }

    private async Task<bool> RenewAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource!.CreateCommand(
            "UPDATE chaos_node_leases SET expires_at = now() + $3 WHERE node_id = $1 AND holder = $2");
        command.Parameters.AddWithValue(nodeId);
        command.Parameters.AddWithValue(holder);
        command.Parameters.AddWithValue(LeaseDuration);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Leased snowflake node id {NodeId}")]
    private static partial void LogLeased(ILogger logger, int nodeId);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Lost the lease on snowflake node id {NodeId}; leasing another")]
    private static partial void LogLost(ILogger logger, int nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the snowflake node lease failed")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);
}
