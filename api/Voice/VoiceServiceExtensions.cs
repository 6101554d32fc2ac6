using Chaos.Api.Gateway;
using Chaos.Api.Blobs;
using Chaos.Voice;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chaos.Api.Voice;

/// <summary>Voice on the front door: the relay (observer, connection observer, Ready contributor, refresh timer) and blobs.</summary>
public static class VoiceServiceExtensions
{
    public static IServiceCollection AddChaosVoice(this IServiceCollection services)
    {
        services.TryAddSingleton<VoiceMetrics>();
        services.AddSingleton<VoiceRelay>();
        services.AddSingleton<IGatewayConnectionObserver>(sp => sp.GetRequiredService<VoiceRelay>());
        services.AddSingleton<IReadyContributor>(sp => sp.GetRequiredService<VoiceRelay>());
        services.AddHostedService(sp => sp.GetRequiredService<VoiceRelay>());
        services.AddChaosBlobs();
        return services;
    }
}
