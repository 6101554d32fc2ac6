using Npgsql;

namespace Chaos.Relationships;

public sealed class PostgresRelationshipStore(NpgsqlDataSource dataSource) : IRelationshipStore
{
    public async Task<IReadOnlyList<Relationship>> GetAsync(long userId)
    {
        await using var command = dataSource.CreateCommand("SELECT other_id, type FROM relationships WHERE user_id = $1");
        command.Parameters.AddWithValue(userId);
        var result = new List<Relationship>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(new Relationship(reader.GetInt64(0), (RelationshipType)reader.GetInt16(1)));
        }

        return result;
    }

    public async Task SetAsync(long userId, long otherId, RelationshipType type, DateTimeOffset at)
    {
        await using var command = type == RelationshipType.None
            ? dataSource.CreateCommand("DELETE FROM relationships WHERE user_id = $1 AND other_id = $2")
            : dataSource.CreateCommand("""
                INSERT INTO relationships (user_id, other_id, type, since) VALUES ($1, $2, $3, $4)
                ON CONFLICT (user_id, other_id) DO UPDATE SET type = EXCLUDED.type, since = EXCLUDED.since
                """);
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(otherId);
        if (type != RelationshipType.None)
        {
            command.Parameters.AddWithValue((short)type);
            command.Parameters.AddWithValue(at);
        }

        await command.ExecuteNonQueryAsync();
    }
}
