using Npgsql;

namespace Chaos.Messages;

/// <summary>Notification settings on <c>notification_settings</c> (migration 0041).</summary>
public sealed class PostgresNotificationSettingsStore(NpgsqlDataSource dataSource) : INotificationSettingsStore
{
    public async Task SetAsync(long userId, NotificationSetting setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO notification_settings (user_id, target_id, level, muted_until) VALUES ($1, $2, $3, $4)
            ON CONFLICT (user_id, target_id) DO UPDATE SET level = excluded.level, muted_until = excluded.muted_until
            """);
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(setting.TargetId);
        command.Parameters.AddWithValue((short)setting.Level);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = setting.MutedUntil?.ToUniversalTime() });
        await command.ExecuteNonQueryAsync();
    }

    public async Task<IReadOnlyList<NotificationSetting>> GetAllAsync(long userId)
    {
        await using var command = dataSource.CreateCommand("SELECT target_id, level, muted_until FROM notification_settings WHERE user_id = $1 ORDER BY target_id LIMIT 1000");
        command.Parameters.AddWithValue(userId);
        var result = new List<NotificationSetting>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(new NotificationSetting(reader.GetInt64(0), (NotificationLevel)reader.GetInt16(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return result;
    }
}
