using Npgsql;

namespace Chaos.E2ee;

/// <summary>Devices and key packages on the tables of migration 0060.</summary>
public sealed class PostgresE2eeStore(NpgsqlDataSource dataSource) : IE2eeStore
{
    private const string DeviceColumns = "id, user_id, name, identity_key, credential, created_at";

    public async Task AddDeviceAsync(Device device, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(device);
        await using var command = dataSource.CreateCommand($"INSERT INTO e2ee_devices ({DeviceColumns}) VALUES ($1, $2, $3, $4, $5, $6)");
        command.Parameters.AddWithValue(device.Id);
        command.Parameters.AddWithValue(device.UserId);
        command.Parameters.AddWithValue(device.Name);
        command.Parameters.AddWithValue(device.IdentityKey);
        command.Parameters.AddWithValue(device.Credential);
        command.Parameters.AddWithValue(device.CreatedAt.ToUniversalTime());
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> RemoveDeviceAsync(long userId, long deviceId, CancellationToken ct)
    {
        // One statement: the device and its packages go together, or neither does.
        await using var command = dataSource.CreateCommand("""
            WITH removed AS (DELETE FROM e2ee_devices WHERE id = $1 AND user_id = $2 RETURNING id),
                 packages AS (DELETE FROM e2ee_key_packages WHERE device_id IN (SELECT id FROM removed))
            SELECT count(*)::int FROM removed
            """);
        command.Parameters.AddWithValue(deviceId);
        command.Parameters.AddWithValue(userId);
        return (int)(await command.ExecuteScalarAsync(ct))! > 0;
    }

    public async Task<IReadOnlyList<Device>> GetDevicesAsync(long userId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT {DeviceColumns} FROM e2ee_devices WHERE user_id = $1 ORDER BY id");
        command.Parameters.AddWithValue(userId);
        return await ReadDevicesAsync(command, ct);
    }

    public async Task<IReadOnlyList<Device>> FindDevicesAsync(IReadOnlyCollection<long> deviceIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        if (deviceIds.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand($"SELECT {DeviceColumns} FROM e2ee_devices WHERE id = ANY($1)");
        command.Parameters.AddWithValue(deviceIds.ToArray());
        return await ReadDevicesAsync(command, ct);
    }

    public async Task AddKeyPackagesAsync(long deviceId, IReadOnlyList<(long Id, byte[] KeyPackage)> keyPackages, byte[]? lastResort, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keyPackages);
        await using var batch = dataSource.CreateBatch();
        if (keyPackages.Count > 0)
        {
            var insert = new NpgsqlBatchCommand("INSERT INTO e2ee_key_packages (device_id, id, key_package) SELECT $1, i, k FROM unnest($2::bigint[], $3::bytea[]) AS u(i, k)");
            insert.Parameters.AddWithValue(deviceId);
            insert.Parameters.AddWithValue(keyPackages.Select(k => k.Id).ToArray());
            insert.Parameters.AddWithValue(keyPackages.Select(k => k.KeyPackage).ToArray());
            batch.BatchCommands.Add(insert);
        }

        if (lastResort is not null)
        {
            var update = new NpgsqlBatchCommand("UPDATE e2ee_devices SET last_resort = $2 WHERE id = $1");
            update.Parameters.AddWithValue(deviceId);
            update.Parameters.AddWithValue(lastResort);
            batch.BatchCommands.Add(update);
        }

        if (batch.BatchCommands.Count > 0)
        {
            // A batch is one implicit transaction: all of it or none.
            await batch.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task<KeyPackageCount> CountKeyPackagesAsync(long deviceId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT (SELECT count(*)::int FROM e2ee_key_packages WHERE device_id = $1),
                   COALESCE((SELECT last_resort IS NOT NULL FROM e2ee_devices WHERE id = $1), false)
            """);
        command.Parameters.AddWithValue(deviceId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new KeyPackageCount(deviceId, reader.GetInt32(0), reader.GetBoolean(1));
    }

    public async Task<byte[]?> ClaimKeyPackageAsync(long deviceId, CancellationToken ct)
    {
        // SKIP LOCKED: a claim racing another never waits for nor takes the row the other locked; it takes the next one.
        await using var command = dataSource.CreateCommand("""
            DELETE FROM e2ee_key_packages
            WHERE (device_id, id) = (SELECT device_id, id FROM e2ee_key_packages WHERE device_id = $1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING key_package
            """);
        command.Parameters.AddWithValue(deviceId);
        if (await command.ExecuteScalarAsync(ct) is byte[] taken)
        {
            return taken;
        }

        await using var lastResort = dataSource.CreateCommand("SELECT last_resort FROM e2ee_devices WHERE id = $1");
        lastResort.Parameters.AddWithValue(deviceId);
        return await lastResort.ExecuteScalarAsync(ct) as byte[];
    }

    private static async Task<IReadOnlyList<Device>> ReadDevicesAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var list = new List<Device>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new Device(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.GetFieldValue<byte[]>(3),
                reader.GetFieldValue<byte[]>(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return list;
    }
}
