using Npgsql;

namespace Chaos.PrivateChannels;

public sealed class PostgresPrivateChannelStore(NpgsqlDataSource dataSource) : IPrivateChannelStore
{
    /// <summary>The first key of the group-cap advisory locks ("GRPS" in ASCII).</summary>
    private const int GroupLockSpace = 0x47525053;

    public async Task AddRecipientsAsync(long channelId, IReadOnlyCollection<long> userIds, bool group)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO private_channel_recipients (user_id, channel_id, is_group) SELECT u, $2, $3 FROM unnest($1::bigint[]) AS u ON CONFLICT DO NOTHING");
        command.Parameters.AddWithValue(userIds.ToArray());
        command.Parameters.AddWithValue(channelId);
        command.Parameters.AddWithValue(group);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long?> AddGroupRecipientsAsync(long channelId, IReadOnlyCollection<long> userIds, int cap)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        // One transaction-scoped advisory lock per user (two-key form, its own key space; a shared key only serializes two
        // users), taken in key order so that two groups with users in common never wait on each other in a circle. Every
        // addition of a user to a group holds it from its count to its commit, so two racing additions count one after the
        // other (docs/api.md#limits).
        foreach (var key in userIds.Select(LockKey).Distinct().Order())
        {
            await using var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, $2)", connection, transaction);
            lockCommand.Parameters.AddWithValue(GroupLockSpace);
            lockCommand.Parameters.AddWithValue(key);
            await lockCommand.ExecuteNonQueryAsync();
        }

        await using (var count = new NpgsqlCommand(
            "SELECT user_id FROM private_channel_recipients WHERE user_id = ANY($1) AND is_group AND channel_id <> $2 GROUP BY user_id HAVING count(*) >= $3 ORDER BY user_id LIMIT 1",
            connection,
            transaction))
        {
            count.Parameters.AddWithValue(userIds.ToArray());
            count.Parameters.AddWithValue(channelId);
            count.Parameters.AddWithValue((long)cap);
            if (await count.ExecuteScalarAsync() is long full)
            {
                return full;
            }
        }

        await using (var insert = new NpgsqlCommand(
            "INSERT INTO private_channel_recipients (user_id, channel_id, is_group) SELECT u, $2, true FROM unnest($1::bigint[]) AS u ON CONFLICT DO NOTHING",
            connection,
            transaction))
        {
            insert.Parameters.AddWithValue(userIds.ToArray());
            insert.Parameters.AddWithValue(channelId);
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return null;
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

    private static int LockKey(long userId) => (int)(userId % int.MaxValue);
}
