using Chaos.Ai;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Chaos.Tests.Ai;

/// <summary>The production AI wiring (<see cref="AiServiceCollectionExtensions.AddChaosAi"/>) pointed at a fake model server.</summary>
public sealed class AiClientHost : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private AiClientHost(ServiceProvider services)
    {
        this.services = services;
    }

    public IChatClient Chat => services.GetRequiredService<IChatClient>();

    public AiStatusMonitor Monitor => services.GetRequiredService<AiStatusMonitor>();

    public AiCircuit Circuit => services.GetRequiredService<AiCircuit>();

    public ModerationClassifier Classifier => services.GetRequiredService<ModerationClassifier>();

    public static AiClientHost Create(Uri ollama, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Chaos:Ai:OllamaUrl"] = ollama.ToString(),
            ["Chaos:Ai:ChatModel"] = "chat-model",
            ["Chaos:Ai:ModerationModel"] = "mod-model",
            ["Chaos:Ai:RetryDelayMilliseconds"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var collection = new ServiceCollection();
        collection.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        collection.AddMetrics();
        collection.AddSingleton(TimeProvider.System);
        collection.AddChaosAi(configuration);
        return new AiClientHost(collection.BuildServiceProvider(validateScopes: true));
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
