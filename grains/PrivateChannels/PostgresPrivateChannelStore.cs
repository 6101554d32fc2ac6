using Npgsql;

namespace Chaos.PrivateChannels;

public sealed class PostgresPrivateChannelStore(NpgsqlDataSource dataSource) : IPrivateChannelStore
{
    public async Task AddRecipientsAsync(long channelId, IReadOnlyCollection<long> userIds, bool group)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO private_channel_recipients (user_id, channel_id, is_group) SELECT u, $2, $3 FROM unnest($1::bigint[]) AS u ON CONFLICT DO NOTHING");
        command.Parameters.AddWithValue(userIds.ToArray());
        command.Parameters.AddWithValue(channelId);
        command.Parameters.AddWithValue(group);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<int> CountGroupsOfUserAsync(long userId)
    {
        // An index-only count over the partial index of group rows (migration 0027): bounded by the cap itself.
        await using var command = dataSource.CreateCommand("SELECT count(*)::int FROM private_channel_recipients WHERE user_id = $1 AND is_group");
        command.Parameters.AddWithValue(userId);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    public async Task RemoveRecipientAsync(long channelId, long userId)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM private_channel_recipients WHERE user_id = $1 AND channel_id = $2");
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(channelId);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<IReadOnlyList<long>> GetChannelIdsOfUserAsync(long userId, int limit)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT channel_id FROM private_channel_recipients WHERE user_id = $1 ORDER BY channel_id DESC LIMIT $2");
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(limit);
        var result = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetInt64(0));
        }

        return result;
    }
}
