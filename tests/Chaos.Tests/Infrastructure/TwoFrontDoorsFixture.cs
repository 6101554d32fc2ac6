namespace Chaos.Tests.Infrastructure;

/// <summary>Two front doors, each co-hosting a silo, on one fresh database: one Orleans cluster behind two entry points.</summary>
public class TwoFrontDoorsFixture : IAsyncLifetime
{
    private ChaosServer? a;
    private ChaosServer? b;

    public ChaosServer A => a ?? throw new InvalidOperationException("Not started.");

    public ChaosServer B => b ?? throw new InvalidOperationException("Not started.");

    /// <summary>Configuration both front doors start with, over the test defaults of <see cref="ChaosServer"/>.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        a = await ChaosServer.StartAsync(connectionString, Settings);
        b = await ChaosServer.StartAsync(connectionString, Settings);
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
