using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chaos.Telemetry;

/// <summary>The silo's and the cluster client's share of telemetry (docs/operations.md#metrics); the HTTP side is in Chaos.Hosting.</summary>
public static class ChaosOrleansTelemetryExtensions
{
    /// <summary>
    /// A silo's share: sends accepted and rejected (a grain call filter), and, when tracing is on, grain calls that
    /// carry their caller's trace.
    /// </summary>
    public static ISiloBuilder AddChaosSiloTelemetry(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.TryAddSingleton<MessageSendMetrics>();
        silo.Services.AddSingleton<IIncomingGrainCallFilter, MessageSendCallFilter>();
        if (ChaosTelemetry.OtlpEndpoint(configuration) is not null)
        {
            silo.AddActivityPropagation();
        }

        return silo;
    }

    /// <summary>A split-mode front door's share: its grain calls carry the hub call's trace when tracing is on.</summary>
    public static IClientBuilder AddChaosClientTelemetry(this IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (ChaosTelemetry.OtlpEndpoint(configuration) is not null)
        {
            client.AddActivityPropagation();
        }

        return client;
    }
}
