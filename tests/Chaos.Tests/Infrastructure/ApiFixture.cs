namespace Chaos.Tests.Infrastructure;

/// <summary>
/// One front door on its own fresh PostgreSQL database. Tests that keep apart by fresh users share one per collection
/// (<c>AccountsServer</c>, <c>CommunitiesServer</c>, <c>GatewayServer</c>, <c>PersonalServer</c>); a class that starts
/// more front doors on its database takes one of its own as a class fixture.
/// </summary>
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
