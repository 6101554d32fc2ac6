using Chaos.Ai;
using Chaos.Tests.Infrastructure;
using LLama;
using LLama.Abstractions;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chaos.Tests.Ai.Llama;

/// <summary>
/// A real llama.cpp runtime (LLamaSharp, CPU backend) running <see cref="TinyGguf"/>, a model file written here, and a
/// front door on its own PostgreSQL database whose <see cref="IChatClient"/> is that runtime behind the production
/// <see cref="ResilientChatClient"/>, in place of OllamaSharp: the same summary and moderation paths, another runtime.
/// </summary>
public sealed class LlamaFixture : IAsyncLifetime
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"chaos-llama-{Guid.NewGuid():N}");
    private LLamaWeights? weights;

    public LlamaChatClient Chat { get; private set; } = null!;

    public ChaosServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{TinyGguf.Name}.gguf");
        TinyGguf.Write(path);
        // llama.cpp logs every load at length on stdout; its errors surface as exceptions anyway.
        NativeLogConfig.llama_log_set((_, _) => { });
        var parameters = new ModelParams(path) { ContextSize = TinyGguf.ContextLength, GpuLayerCount = 0, Threads = 1, BatchSize = 512 };
        weights = await LLamaWeights.LoadFromFileAsync(parameters);
        ILLamaExecutor executor = new StatelessExecutor(weights, parameters);
        Chat = new LlamaChatClient(executor.AsChatClient());

        var connectionString = await PostgresServer.CreateDatabaseAsync();
        Server = await ChaosServer.StartAsync(
            connectionString,
            new Dictionary<string, string?>
            {
                ["Chaos:Ai:ChatModel"] = TinyGguf.Name,
                ["Chaos:Ai:MaxConcurrentCalls"] = "1",
                ["Chaos:Ai:IdleTimeoutSeconds"] = "600",
                ["Chaos:Ai:RequestTimeoutSeconds"] = "600",
            },
            builder => builder.Services.AddChatClient(Chat).Use((inner, sp) => new ResilientChatClient(
                inner,
                sp.GetRequiredService<IOptions<AiOptions>>().Value,
                sp.GetRequiredService<AiCircuit>(),
                sp.GetRequiredService<AiMetrics>(),
                sp.GetRequiredService<ILogger<ResilientChatClient>>())));
    }

    /// <summary>The production wrapper around the runtime, outside any server, for client-level checks.</summary>
    public ResilientChatClient Resilient(AiCircuit circuit) => new(
        Chat,
        new AiOptions { ChatModel = TinyGguf.Name, IdleTimeoutSeconds = 600, RequestTimeoutSeconds = 600, MaxConcurrentCalls = 1 },
        circuit,
        Server.Services.GetRequiredService<AiMetrics>(),
        Server.Services.GetRequiredService<ILogger<ResilientChatClient>>());

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        weights?.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
