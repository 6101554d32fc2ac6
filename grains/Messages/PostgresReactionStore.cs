using Npgsql;

namespace Chaos.Messages;

/// <summary>The reaction store on <c>message_reactions</c> (migration 0041).</summary>
public sealed class PostgresReactionStore(NpgsqlDataSource dataSource) : IReactionStore
{
    public async Task<bool> AddAsync(long channelId, long messageId, string emoji, long userId, DateTimeOffset at)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO message_reactions (message_id, emoji, user_id, channel_id, created_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddWithValue(messageId);
        command.Parameters.AddWithValue(emoji);
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(channelId);
        command.Parameters.AddWithValue(at.ToUniversalTime());
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public async Task<bool> RemoveAsync(long messageId, string emoji, long userId)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM message_reactions WHERE message_id = $1 AND emoji = $2 AND user_id = $3");
        command.Parameters.AddWithValue(messageId);
        command.Parameters.AddWithValue(emoji);
        command.Parameters.AddWithValue(userId);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public async Task<IReadOnlyList<string>> GetEmojiAsync(long messageId)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT emoji FROM message_reactions WHERE message_id = $1 GROUP BY emoji ORDER BY min(created_at), emoji
            """);
        command.Parameters.AddWithValue(messageId);
        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    public async Task<IReadOnlyDictionary<long, IReadOnlyList<Reaction>>> GetSummariesAsync(IReadOnlyCollection<long> messageIds, long viewerId)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var result = new Dictionary<long, IReadOnlyList<Reaction>>();
        if (messageIds.Count == 0)
        {
            return result;
        }

        await using var command = dataSource.CreateCommand("""
            SELECT message_id, emoji, count(*)::int, bool_or(user_id = $2)
            FROM message_reactions WHERE message_id = ANY($1)
            GROUP BY message_id, emoji ORDER BY message_id, min(created_at), emoji
            """);
        command.Parameters.AddWithValue(messageIds.ToArray());
        command.Parameters.AddWithValue(viewerId);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetInt64(0);
            if (!result.TryGetValue(id, out var list))
            {
                list = new List<Reaction>();
                result[id] = list;
            }

            ((List<Reaction>)list).Add(new Reaction(reader.GetString(1), reader.GetInt32(2), reader.GetBoolean(3)));
        }

        return result;
    }

    public async Task<IReadOnlyList<long>> GetUsersAsync(long messageId, string emoji, long after, int limit)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT user_id FROM message_reactions WHERE message_id = $1 AND emoji = $2 AND user_id > $3 ORDER BY user_id LIMIT $4
            """);
        command.Parameters.AddWithValue(messageId);
        command.Parameters.AddWithValue(emoji);
        command.Parameters.AddWithValue(after);
        command.Parameters.AddWithValue(limit);
        var result = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetInt64(0));
        }

        return result;
    }

    public async Task DeleteMessageAsync(long messageId)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM message_reactions WHERE message_id = $1");
        command.Parameters.AddWithValue(messageId);
        await command.ExecuteNonQueryAsync();
    }
}
