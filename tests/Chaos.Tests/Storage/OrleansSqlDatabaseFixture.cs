using Chaos.Tests.Infrastructure;
using Npgsql;

namespace Chaos.Tests.Storage;

/// <summary>One freshly migrated database per test class, with the Orleans queries loaded the way Orleans loads them.</summary>
public sealed class OrleansSqlDatabaseFixture : IAsyncLifetime
{
    private string? connectionString;
    private OrleansQueryRunner? runner;

    public string ConnectionString => connectionString ?? throw new InvalidOperationException("Fixture not initialized");

    internal OrleansQueryRunner Runner => runner ?? throw new InvalidOperationException("Fixture not initialized");

    public async Task InitializeAsync()
    {
        connectionString = await PostgresServer.CreateDatabaseAsync();
        runner = new OrleansQueryRunner(connectionString, await OrleansQueryRunner.LoadQueriesAsync(connectionString));
    }

    // The database is disposable with the throwaway server; nothing to undo per class.
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Runs inspection SQL that is not an Orleans query (row counts and the like) and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is DBNull ? null : result;
    }
}
