using Chaos.Messages;
using Chaos.Tests.Infrastructure;
using Npgsql;

namespace Chaos.Tests.Messages;

/// <summary>One freshly migrated database per test class; tests keep apart by using fresh channels.</summary>
public sealed class PostgresMessageStoreFixture : IAsyncLifetime
{
    private NpgsqlDataSource? dataSource;

    public NpgsqlDataSource DataSource => dataSource ?? throw new InvalidOperationException("Not initialized.");

    public PostgresMessageStore Store => new(DataSource);

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
