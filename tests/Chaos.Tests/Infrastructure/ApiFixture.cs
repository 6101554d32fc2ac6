namespace Chaos.Tests.Infrastructure;

/// <summary>One front door on its own fresh PostgreSQL database, shared by the tests of one class.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private ChaosServer? server;

    public ChaosServer Server => server ?? throw new InvalidOperationException("Not started.");

    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The front door's warnings and errors, for failure messages.</summary>
    public LogCapture Logs { get; } = new("first door");

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabaseAsync();
        server = await ChaosServer.StartAsync(ConnectionString, configure: Logs.AddTo);
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
