using System.Text.Json;
using Npgsql;

namespace Chaos.Communities;

public sealed class PostgresCommunityStore(NpgsqlDataSource dataSource) : ICommunityStore
{
    public async Task<bool> AddMemberAsync(long communityId, long userId, DateTimeOffset joinedAt)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO community_members (community_id, user_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING");
        command.Parameters.AddWithValue(communityId);
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(joinedAt);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public async Task<bool> RemoveMemberAsync(long communityId, long userId)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM community_members WHERE community_id = $1 AND user_id = $2");
        command.Parameters.AddWithValue(communityId);
        command.Parameters.AddWithValue(userId);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public async Task<MemberRecord?> GetMemberAsync(long communityId, long userId)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT community_id, user_id, nickname, role_ids, joined_at FROM community_members WHERE community_id = $1 AND user_id = $2");
        command.Parameters.AddWithValue(communityId);
        command.Parameters.AddWithValue(userId);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? ReadMember(reader) : null;
    }

    public async Task<IReadOnlyList<MemberRecord>> GetMembersAsync(long communityId, long after, int limit)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT community_id, user_id, nickname, role_ids, joined_at FROM community_members WHERE community_id = $1 AND user_id > $2 ORDER BY user_id LIMIT $3");
        command.Parameters.AddWithValue(communityId);
        command.Parameters.AddWithValue(after);
        command.Parameters.AddWithValue(limit);
        var result = new List<MemberRecord>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(ReadMember(reader));
        }

        return result;
    }

    public async Task SetMemberRolesAsync(long communityId, long userId, IReadOnlyList<long> roleIds)
    {
        await using var command = dataSource.CreateCommand("UPDATE community_members SET role_ids = $3 WHERE community_id = $1 AND user_id = $2");
        command.Parameters.AddWithValue(communityId);
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(roleIds.ToArray());
        await command.ExecuteNonQueryAsync();
    }

    public async Task RemoveRoleEverywhereAsync(long communityId, long roleId)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE community_members SET role_ids = array_remove(role_ids, $2) WHERE community_id = $1 AND $2 = ANY(role_ids)");
        command.Parameters.AddWithValue(communityId);
        command.Parameters.AddWithValue(roleId);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<IReadOnlyList<long>> GetCommunityIdsOfUserAsync(long userId)
    {
        await using var command = dataSource.CreateCommand("SELECT community_id FROM community_members WHERE user_id = $1 ORDER BY community_id LIMIT $2");
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(CommunityRules.MaxCommunitiesPerUser + 1);
        var result = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetInt64(0));
        }

        return result;
    }

    public async Task DeleteCommunityAsync(long communityId)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var sql in new[] { "DELETE FROM community_members WHERE community_id = $1", "DELETE FROM community_bans WHERE community_id = $1", "DELETE FROM audit_log WHERE community_id = $1" })
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddWithValue(communityId);
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync();
    }

    public async Task<bool> BanAsync(BanRecord ban)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO community_bans (community_id, user_id, actor_id, reason, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (community_id, user_id) DO UPDATE SET reason = excluded.reason, actor_id = excluded.actor_id", connection, transaction))
        {
            insert.Parameters.AddWithValue(ban.CommunityId);
            insert.Parameters.AddWithValue(ban.UserId);
            insert.Parameters.AddWithValue(ban.ActorId);
            insert.Parameters.AddWithValue((object?)ban.Reason ?? DBNull.Value);
            insert.Parameters.AddWithValue(ban.CreatedAt);
            await insert.ExecuteNonQueryAsync();
        }

        int removed;
        await using (var delete = new NpgsqlCommand("DELETE FROM community_members WHERE community_id = $1 AND user_id = $2", connection, transaction))
        {
            delete.Parameters.AddWithValue(ban.CommunityId);
            delete.Parameters.AddWithValue(ban.UserId);
            removed = await delete.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return removed == 1;
    }

    public async Task<bool> UnbanAsync(long communityId, long userId)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM community_bans WHERE community_id = $1 AND user_id = $2");
        command.Parameters.AddWithValue(communityId);
        command.Parameters.AddWithValue(userId);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public async Task<bool> IsBannedAsync(long communityId, long userId)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM community_bans WHERE community_id = $1 AND user_id = $2)");
        command.Parameters.AddWithValue(communityId);
        command.Parameters.AddWithValue(userId);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    public async Task<IReadOnlyList<BanRecord>> GetBansAsync(long communityId, long after, int limit)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT community_id, user_id, actor_id, reason, created_at FROM community_bans WHERE community_id = $1 AND user_id > $2 ORDER BY user_id LIMIT $3");
        command.Parameters.AddWithValue(communityId);
        command.Parameters.AddWithValue(after);
        command.Parameters.AddWithValue(limit);
        var result = new List<BanRecord>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(new BanRecord(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return result;
    }

    public async Task AppendAuditAsync(AuditEntry entry)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO audit_log (id, community_id, actor_id, action, target_id, reason, changes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)");
        command.Parameters.AddWithValue(entry.Id);
        command.Parameters.AddWithValue(entry.CommunityId);
        command.Parameters.AddWithValue(entry.ActorId);
        command.Parameters.AddWithValue(entry.Action);
        command.Parameters.AddWithValue((object?)entry.TargetId ?? DBNull.Value);
        command.Parameters.AddWithValue((object?)entry.Reason ?? DBNull.Value);
        command.Parameters.AddWithValue(JsonSerializer.Serialize(entry.Changes));
        command.Parameters.AddWithValue(entry.CreatedAt);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<IReadOnlyList<AuditEntry>> GetAuditAsync(long communityId, long? before, int limit)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT * FROM (
                SELECT id, community_id, actor_id, action, target_id, reason, changes::text, created_at FROM audit_log
                WHERE community_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3) page
            ORDER BY id
            """);
        command.Parameters.AddWithValue(communityId);
        command.Parameters.AddWithValue(before ?? long.MaxValue);
        command.Parameters.AddWithValue(limit);
        var result = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var changes = JsonSerializer.Deserialize<Dictionary<string, AuditChange>>(reader.GetString(6)) ?? [];
            result.Add(new AuditEntry(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                changes, reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return result;
    }

    private static MemberRecord ReadMember(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetFieldValue<long[]>(3), reader.GetFieldValue<DateTimeOffset>(4));
}
