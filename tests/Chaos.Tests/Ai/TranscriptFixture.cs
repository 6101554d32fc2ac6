#pragma warning disable MEAI001 // ISpeechToTextClient is marked experimental in Microsoft.Extensions.AI 10.x; it is our seam.
using Chaos.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Chaos.Tests.Ai;

/// <summary>A front door on its own PostgreSQL database whose speech-to-text model is <see cref="FakeSpeechToTextClient"/>; no chat model.</summary>
public sealed class TranscriptFixture : IAsyncLifetime
{
    /// <summary>The transcript timeout: far above what the fake needs when it answers, short enough for the hang test.</summary>
    public const int TimeoutSeconds = 10;

    public FakeSpeechToTextClient Speech { get; } = new();

    public ChaosServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        Server = await ChaosServer.StartAsync(
            connectionString,
            new Dictionary<string, string?> { ["Chaos:Ai:TranscriptTimeoutSeconds"] = TimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            builder => builder.Services.AddSingleton<ISpeechToTextClient>(Speech));
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
