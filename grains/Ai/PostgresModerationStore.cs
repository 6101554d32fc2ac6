using Npgsql;

namespace Chaos.Ai;

/// <summary>The moderation store on <c>moderation_items</c> (migration 0055).</summary>
public sealed class PostgresModerationStore(NpgsqlDataSource dataSource) : IModerationStore
{
    private const string Columns = "id, community_id, channel_id, message_id, author_id, category, reason, status, created_at";

    public async Task<bool> AddAsync(ModerationItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO moderation_items ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (message_id) DO NOTHING
            """);
        command.Parameters.AddWithValue(item.Id);
        command.Parameters.AddWithValue(item.CommunityId);
        command.Parameters.AddWithValue(item.ChannelId);
        command.Parameters.AddWithValue(item.MessageId);
        command.Parameters.AddWithValue(item.AuthorId);
        command.Parameters.AddWithValue(item.Category);
        command.Parameters.AddWithValue(item.Reason);
        command.Parameters.AddWithValue((short)item.Status);
        command.Parameters.AddWithValue(item.CreatedAt.ToUniversalTime());
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public async Task<ModerationItem?> GetAsync(long communityId, long itemId)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM moderation_items WHERE community_id = $1 AND id = $2");
        command.Parameters.AddWithValue(communityId);
        command.Parameters.AddWithValue(itemId);
        return (await ReadAsync(command)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<ModerationItem>> PageAsync(long communityId, ModerationStatus? status, long? before, int limit)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM moderation_items
            WHERE community_id = $1 AND ($2::smallint IS NULL OR status = $2) AND ($3::bigint IS NULL OR id < $3)
            ORDER BY id DESC LIMIT $4
            """);
        command.Parameters.AddWithValue(communityId);
        command.Parameters.Add(new NpgsqlParameter { Value = status is { } s ? (short)s : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Smallint });
        command.Parameters.Add(new NpgsqlParameter { Value = before is { } b ? b : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.AddWithValue(limit);
        return await ReadAsync(command);
    }

    public async Task<ModerationItem?> DecideAsync(long communityId, long itemId, ModerationStatus status, long actorId, DateTimeOffset at)
    {
        // Only an open item moves: of two moderators deciding at once, exactly one wins.
        await using var command = dataSource.CreateCommand($"""
            UPDATE moderation_items SET status = $3, decided_by = $4, decided_at = $5
            WHERE community_id = $1 AND id = $2 AND status = 0
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue(communityId);
        command.Parameters.AddWithValue(itemId);
        command.Parameters.AddWithValue((short)status);
        command.Parameters.AddWithValue(actorId);
        command.Parameters.AddWithValue(at.ToUniversalTime());
        return (await ReadAsync(command)).FirstOrDefault();
    }

    private static async Task<IReadOnlyList<ModerationItem>> ReadAsync(NpgsqlCommand command)
    {
        var items = new List<ModerationItem>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            items.Add(new ModerationItem(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetString(5), reader.GetString(6), (ModerationStatus)reader.GetInt16(7), reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return items;
    }
}
