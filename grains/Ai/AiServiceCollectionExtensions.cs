#pragma warning disable MEAI001 // ISpeechToTextClient is marked experimental in Microsoft.Extensions.AI 10.x; it is our seam.
using Chaos.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OllamaSharp;

namespace Chaos.Ai;

/// <summary>
/// Wires AI assistance (docs/architecture.md#ai-assistance) into any CHAOS process. With <c>Chaos:Ai:OllamaUrl</c> set,
/// OllamaSharp's client is registered as the Microsoft.Extensions.AI <see cref="IChatClient"/>, wrapped by
/// <see cref="ResilientChatClient"/>; without it no <see cref="IChatClient"/> exists and every AI feature is off.
/// Nothing here talks to the model server at start-up.
/// </summary>
public static class AiServiceCollectionExtensions
{
    public static IServiceCollection AddChaosAi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddChaosOptions<AiOptions>(configuration, AiOptions.Section);
        var options = ChaosConfiguration.Read<AiOptions>(configuration, AiOptions.Section);
        services.TryAddSingleton<AiMetrics>();
        services.TryAddSingleton(sp =>
        {
            var ai = sp.GetRequiredService<IOptions<AiOptions>>().Value;
            return new AiCircuit(ai.CircuitFailureThreshold, TimeSpan.FromSeconds(ai.CircuitBreakSeconds), sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<AiStatusMonitor>();
        services.TryAddSingleton<ModerationClassifier>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, AiStatusMonitor>(sp => sp.GetRequiredService<AiStatusMonitor>()));
        if (!string.IsNullOrWhiteSpace(options.SpeechModelPath))
        {
            // Transcripts run in-process and need no model server; a test or an operator may register another client first.
            services.TryAddSingleton<ISpeechToTextClient>(sp => new WhisperSpeechToTextClient(
                sp.GetRequiredService<IOptions<AiOptions>>().Value.SpeechModelPath!,
                sp.GetRequiredService<IOptions<AiOptions>>().Value.SpeechThreads,
                sp.GetRequiredService<ILogger<WhisperSpeechToTextClient>>()));
        }

        if (!options.Enabled || services.Any(d => d.ServiceType == typeof(IOllamaApiClient)))
        {
            return services;
        }

        services.AddSingleton<IOllamaApiClient>(sp =>
        {
            var ai = sp.GetRequiredService<IOptions<AiOptions>>().Value;
            // Timeouts are per call (idle and total, in ResilientChatClient), so a long streamed answer is not cut off.
            var http = new HttpClient(new AbortOnCancelHandler(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(ai.IdleTimeoutSeconds) }))
            {
                BaseAddress = new Uri(ai.OllamaUrl!), Timeout = Timeout.InfiniteTimeSpan,
            };
            return new OllamaApiClient(http, ai.ChatModel);
        });
        services.AddChatClient(sp => (IChatClient)sp.GetRequiredService<IOllamaApiClient>())
            .Use((inner, sp) => new ResilientChatClient(
                inner,
                sp.GetRequiredService<IOptions<AiOptions>>().Value,
                sp.GetRequiredService<AiCircuit>(),
                sp.GetRequiredService<AiMetrics>(),
                sp.GetRequiredService<ILogger<ResilientChatClient>>()));
        return services;
    }
}
