using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Voice;

/// <summary>Two front doors, each co-hosting a silo, on one fresh database: one Orleans cluster behind two entry points.</summary>
public sealed class TwoFrontDoorsFixture : IAsyncLifetime
{
    private ChaosServer? a;
    private ChaosServer? b;

    public ChaosServer A => a ?? throw new InvalidOperationException("Not started.");

    public ChaosServer B => b ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        a = await ChaosServer.StartAsync(connectionString);
        b = await ChaosServer.StartAsync(connectionString);
    }

    public async Task DisposeAsync()
    {
        if (b is not null)
        {
            await b.DisposeAsync();
        }

        if (a is not null)
        {
            await a.DisposeAsync();
        }
    }
}
