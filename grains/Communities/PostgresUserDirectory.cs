using Chaos.Accounts;
using Npgsql;

namespace Chaos.Communities;

public sealed class PostgresUserDirectory(NpgsqlDataSource dataSource) : IUserDirectory
{
    public async Task UpsertAsync(PublicUser user)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO users (id, username, display_name, created_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (id) DO UPDATE SET username = excluded.username, display_name = excluded.display_name
            """);
        command.Parameters.AddWithValue(user.Id);
        command.Parameters.AddWithValue(user.Username);
        command.Parameters.AddWithValue(user.DisplayName);
        command.Parameters.AddWithValue(user.CreatedAt);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<IReadOnlyDictionary<long, PublicUser>> GetManyAsync(IReadOnlyCollection<long> ids)
    {
        var result = new Dictionary<long, PublicUser>();
        if (ids.Count == 0)
        {
            return result;
        }

        await using var command = dataSource.CreateCommand("SELECT id, username, display_name, created_at FROM users WHERE id = ANY($1)");
        command.Parameters.AddWithValue(ids.Distinct().ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var user = new PublicUser(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
            result[user.Id] = user;
        }

        return result;
    }
}
