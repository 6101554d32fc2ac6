using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Ai;

/// <summary>A front door (standalone, co-hosted silo) whose AI assistance talks to its own fake Ollama.</summary>
public sealed class AiServerFixture : IAsyncLifetime
{
    public FakeOllamaServer Ollama { get; private set; } = null!;

    public ChaosServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Ollama = await FakeOllamaServer.StartAsync("chat-model", "mod-model");
        Server = await ChaosServer.StartAsync(null, new Dictionary<string, string?>
        {
            ["Chaos:Ai:OllamaUrl"] = Ollama.BaseAddress.ToString(),
            ["Chaos:Ai:ChatModel"] = "chat-model",
            ["Chaos:Ai:ModerationModel"] = "mod-model",
            ["Chaos:Ai:RetryDelayMilliseconds"] = "1",
            // Far beyond any test deadline: a model call that ends within one was cancelled, not timed out.
            ["Chaos:Ai:IdleTimeoutSeconds"] = "600",
            ["Chaos:Ai:RequestTimeoutSeconds"] = "600",
        });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Ollama.DisposeAsync();
    }
}
