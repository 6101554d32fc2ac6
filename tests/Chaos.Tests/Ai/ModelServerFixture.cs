using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Ai;

/// <summary>
/// A front door on its own PostgreSQL database whose AI assistance talks to <see cref="ModelServer"/>: a real Ollama
/// when <c>$OLLAMA_URL</c> is set, the fake otherwise.
/// </summary>
public sealed class ModelServerFixture : IAsyncLifetime
{
    public ModelServer Model { get; private set; } = null!;

    public ChaosServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Model = await ModelServer.StartAsync();
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        Server = await ChaosServer.StartAsync(connectionString, Model.Settings());
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Model.DisposeAsync();
    }
}
