using Npgsql;

namespace Chaos.Tests.Infrastructure;

/// <summary>One freshly migrated database per test class (a class fixture); tests keep apart by using fresh ids.</summary>
public class PostgresDatabase : IAsyncLifetime
{
    private NpgsqlDataSource? dataSource;

    public NpgsqlDataSource DataSource => dataSource ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync() =>
        dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateDatabaseAsync());

    public async Task DisposeAsync()
    {
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
        }
    }
}
