using Npgsql;

namespace Chaos.Messages;

/// <summary>
/// Read states with their counts (docs/architecture.md#read-states). Unread is the channel's highest seq (one descent of
/// the (channel_id, seq) index) minus the read seq; mentions are an index range scan over the user's own rows of
/// <c>message_mentions</c>, capped at <see cref="MessageRules.MaxCountedMentions"/>. Neither reads the channel's messages,
/// so an ack or a Ready costs the same in a channel of ten messages or of millions.
/// </summary>
public sealed class PostgresReadStateStore(NpgsqlDataSource dataSource) : IReadStateStore
{
    internal static readonly string Select = $"""
        SELECT rs.channel_id, rs.last_read_message_id,
               GREATEST(COALESCE((SELECT max(m.seq) FROM messages m WHERE m.channel_id = rs.channel_id), 0) - rs.last_read_seq, 0)::int,
               (SELECT count(*) FROM (SELECT 1 FROM message_mentions mm
                                      WHERE mm.user_id = rs.user_id AND mm.channel_id = rs.channel_id AND mm.seq > rs.last_read_seq
                                      LIMIT {MessageRules.MaxCountedMentions}) c)::int
        FROM read_states rs
        """;

    public async Task SetAsync(long userId, long channelId, long lastReadMessageId, long lastReadSeq)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO read_states (user_id, channel_id, last_read_message_id, last_read_seq) VALUES ($1, $2, $3, $4)
            ON CONFLICT (user_id, channel_id) DO UPDATE SET last_read_message_id = excluded.last_read_message_id, last_read_seq = excluded.last_read_seq
                WHERE read_states.last_read_seq < excluded.last_read_seq
            """);
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(channelId);
        command.Parameters.AddWithValue(lastReadMessageId);
        command.Parameters.AddWithValue(lastReadSeq);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<IReadOnlyList<ReadState>> GetForUserAsync(long userId)
    {
        await using var command = dataSource.CreateCommand(Select + " WHERE rs.user_id = $1 ORDER BY rs.channel_id LIMIT 5000");
        command.Parameters.AddWithValue(userId);
        return await ReadAllAsync(command);
    }

    public async Task<ReadState?> GetAsync(long userId, long channelId)
    {
        await using var command = dataSource.CreateCommand(Select + " WHERE rs.user_id = $1 AND rs.channel_id = $2");
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(channelId);
        return (await ReadAllAsync(command)).FirstOrDefault();
    }

    private static async Task<List<ReadState>> ReadAllAsync(NpgsqlCommand command)
    {
        var result = new List<ReadState>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(new ReadState(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetInt32(3)));
        }

        return result;
    }
}
