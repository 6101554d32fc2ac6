using Npgsql;

namespace Chaos.Support;

public sealed class PostgresSupportStore(NpgsqlDataSource dataSource) : ISupportStore
{
    private const string Columns =
        "id, community_id, guest_name, guest_email, status, agent_id, created_at, assigned_at, closed_at, rating_score, rating_comment";

    public async Task<bool> InsertAsync(SupportConversation conversation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO support_conversations ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL) ON CONFLICT (id) DO NOTHING");
        command.Parameters.AddWithValue(conversation.Id);
        command.Parameters.AddWithValue(conversation.CommunityId);
        command.Parameters.AddWithValue(conversation.Guest.Name);
        command.Parameters.AddWithValue((object?)conversation.Guest.Email ?? DBNull.Value);
        command.Parameters.AddWithValue((short)conversation.Status);
        command.Parameters.AddWithValue((object?)conversation.AgentId ?? DBNull.Value);
        command.Parameters.AddWithValue(conversation.CreatedAt);
        command.Parameters.AddWithValue((object?)conversation.AssignedAt ?? DBNull.Value);
        command.Parameters.AddWithValue((object?)conversation.ClosedAt ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<SupportConversation?> GetAsync(long id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM support_conversations WHERE id = $1");
        command.Parameters.AddWithValue(id);
        var rows = await ReadAsync(command, ct);
        return rows.Count == 1 ? rows[0] : null;
    }

    public async Task<IReadOnlyList<SupportConversation>> GetOpenAsync(long communityId, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM support_conversations WHERE community_id = $1 AND status < 2 ORDER BY id LIMIT $2");
        command.Parameters.AddWithValue(communityId);
        command.Parameters.AddWithValue(limit);
        return await ReadAsync(command, ct);
    }

    public async Task<bool> AssignAsync(long id, long agentId, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE support_conversations SET status = 1, agent_id = $2, assigned_at = COALESCE(assigned_at, $3) WHERE id = $1 AND status < 2");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(agentId);
        command.Parameters.AddWithValue(at);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> CloseAsync(long id, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("UPDATE support_conversations SET status = 2, closed_at = $2 WHERE id = $1 AND status < 2");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(at);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> RateAsync(long id, SupportRating rating, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rating);
        await using var command = dataSource.CreateCommand(
            "UPDATE support_conversations SET rating_score = $2, rating_comment = $3 WHERE id = $1 AND status = 2 AND rating_score IS NULL");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue((short)rating.Score);
        command.Parameters.AddWithValue((object?)rating.Comment ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<IReadOnlyList<SupportConversation>> ListAsync(long communityId, SupportStatus? status, long? before, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT * FROM (SELECT {Columns} FROM support_conversations WHERE community_id = $1 AND ($2::smallint IS NULL OR status = $2) "
            + "AND id < $3 ORDER BY id DESC LIMIT $4) page ORDER BY id");
        command.Parameters.AddWithValue(communityId);
        command.Parameters.Add(new NpgsqlParameter<short?> { TypedValue = status is { } s ? (short)s : null });
        command.Parameters.AddWithValue(before ?? long.MaxValue);
        command.Parameters.AddWithValue(limit);
        return await ReadAsync(command, ct);
    }

    public async Task<(double? MedianWaitSeconds, double? MedianHandleSeconds, double? RatingAverage)> GetFiguresAsync(long communityId, DateTimeOffset since, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM assigned_at - created_at)) FILTER (WHERE assigned_at IS NOT NULL), "
            + "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - assigned_at)) FILTER (WHERE closed_at IS NOT NULL AND assigned_at IS NOT NULL), "
            + "avg(rating_score)::float8 FROM support_conversations WHERE community_id = $1 AND created_at >= $2");
        command.Parameters.AddWithValue(communityId);
        command.Parameters.AddWithValue(since);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (
            reader.IsDBNull(0) ? null : reader.GetDouble(0),
            reader.IsDBNull(1) ? null : reader.GetDouble(1),
            reader.IsDBNull(2) ? null : reader.GetDouble(2));
    }

    private static async Task<IReadOnlyList<SupportConversation>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var result = new List<SupportConversation>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new SupportConversation(
                reader.GetInt64(0),
                reader.GetInt64(1),
                new SupportGuest(reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)),
                (SupportStatus)reader.GetInt16(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5),
                null,
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : new SupportRating(reader.GetInt16(9), reader.IsDBNull(10) ? null : reader.GetString(10))));
        }

        return result;
    }
}
