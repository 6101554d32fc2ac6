using Npgsql;

namespace Chaos.Messages;

/// <summary>The pin store on <c>channel_pins</c> (migration 0041).</summary>
public sealed class PostgresPinStore(NpgsqlDataSource dataSource) : IPinStore
{
    public async Task<bool> PinAsync(long channelId, long messageId, DateTimeOffset at)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO channel_pins (channel_id, message_id, pinned_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING");
        command.Parameters.AddWithValue(channelId);
        command.Parameters.AddWithValue(messageId);
        command.Parameters.AddWithValue(at.ToUniversalTime());
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public async Task<bool> UnpinAsync(long channelId, long messageId)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM channel_pins WHERE channel_id = $1 AND message_id = $2");
        command.Parameters.AddWithValue(channelId);
        command.Parameters.AddWithValue(messageId);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public async Task<IReadOnlyList<long>> GetPinsAsync(long channelId)
    {
        await using var command = dataSource.CreateCommand("SELECT message_id FROM channel_pins WHERE channel_id = $1 ORDER BY pinned_at DESC, message_id DESC LIMIT 1000");
        command.Parameters.AddWithValue(channelId);
        var result = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetInt64(0));
        }

        return result;
    }

    public async Task<IReadOnlySet<long>> GetPinnedAsync(IReadOnlyCollection<long> messageIds)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var result = new HashSet<long>();
        if (messageIds.Count == 0)
        {
            return result;
        }

        await using var command = dataSource.CreateCommand("SELECT message_id FROM channel_pins WHERE message_id = ANY($1)");
        command.Parameters.AddWithValue(messageIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetInt64(0));
        }

        return result;
    }
}
