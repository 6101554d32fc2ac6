using System.Security.Cryptography;
using Chaos.Storage;
using Npgsql;

namespace Chaos.Hosting;

/// <summary>What must happen before Orleans starts: the schema (Orleans tables and queries included) is migrated.</summary>
public static class DatabaseBootstrap
{
    /// <summary>Migrates, retrying for a while when the database is not reachable yet (pods start in any order).</summary>
    public static async Task MigrateAsync(string connectionString, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await SchemaMigrator.MigrateAsync(connectionString, cancellationToken);
                return;
            }
            catch (NpgsqlException exception) when (exception.IsTransient && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    /// <summary>
    /// A cluster-wide secret: read it from <c>chaos_secrets</c>, or create it there once. Every front door of a
    /// cluster thereby signs and checks tokens with the same key without anyone configuring one.
    /// </summary>
    public static async Task<string> GetOrCreateSecretAsync(string connectionString, string name, int bytes, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand("INSERT INTO chaos_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", connection))
        {
            insert.Parameters.AddWithValue(name);
            insert.Parameters.AddWithValue(Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var select = new NpgsqlCommand("SELECT value FROM chaos_secrets WHERE name = $1", connection);
        select.Parameters.AddWithValue(name);
        return (string)(await select.ExecuteScalarAsync(cancellationToken))!;
    }
}
