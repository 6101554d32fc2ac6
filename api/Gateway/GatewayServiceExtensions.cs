using Chaos.Api.Errors;
using Chaos.Api.Hosting;
using Chaos.Errors;
using Chaos.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MessagePack;
using MessagePack.Resolvers;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.Gateway;

/// <summary>SignalR at <c>/gateway</c>: JSON and MessagePack, stateful reconnect, a bounded message size.</summary>
public static class GatewayServiceExtensions
{
    /// <summary>Larger than any valid hub call (a 4,000-character message is ~16 KB in UTF-8); anything bigger is hostile.</summary>
    public const long MaxMessageBytes = 64 * 1024;

    /// <summary>Hub calls of one connection that run at once; more wait (read backpressure), none are refused.</summary>
    public const int MaxParallelInvocations = 16;

    public static IServiceCollection AddChaosGateway(this IServiceCollection services)
    {
        var json = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        FrontDoorServiceExtensions.ConfigureJson(json);
        services.AddSingleton<Telemetry.GatewayMetrics>();
        services.AddSingleton<GatewayEventInbox>();
        services.AddSingleton<GatewayChannelRelay>();
        services.AddSingleton<GatewayStreamSubscriptions>();
        services.AddSingleton<GatewayConnectionRegistry>();
        services.AddSingleton<GatewayExtraStreams>();
        services.AddSingleton<GatewayAccessLog>();
        services.AddSingleton<GatewayAccess>();
        services.TryAddSingleton<FrontDoorIdentity>();
        services.AddSingleton<GatewayDeliveryBarrier>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayDeliveryBarrier>());
        // Closed generic: preferred over SignalR's open DefaultHubLifetimeManager<> registration (docs/architecture.md#slow-consumers).
        services.AddSingleton<HubLifetimeManager<GatewayHub>, GatewayLifetimeManager>();
        services.AddSingleton<GatewayConnectionCap>();
        services.AddSingleton<GatewayConnectLimit>();
        services.AddSingleton<GatewaySendOrder>();
        services.AddOptions<HubOptions>().Configure<IOptions<GatewayOptions>>((hub, gateway) => hub.StatefulReconnectBufferSize = gateway.Value.ReconnectBufferBytes);
        services.AddSingleton<GatewayChannelSequencer>();
        services.AddSingleton<GatewayEventDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayEventDispatcher>());
        services.AddSingleton<GatewayStreamRepair>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayStreamRepair>());
        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section);
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = TimeSpan.FromSeconds(shutdown.Value.TimeoutSeconds));
        services.AddSingleton<GatewayDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayDrain>());
        // In place of the console lifetime: a signal drains before the application stops (docs/operations.md#graceful-shutdown).
        services.AddSingleton<IHostLifetime, DrainingHostLifetime>();
        services.AddHealthChecks().AddCheck<DrainingHealthCheck>("draining", tags: [ChaosHealthExtensions.ReadyTag]);
        services.AddSignalR(o =>
            {
                o.MaximumReceiveMessageSize = MaxMessageBytes;
                o.EnableDetailedErrors = false;
                // A client may pipeline sends (the channel keeps their arrival order); streams do not count here.
                o.MaximumParallelInvocationsPerClient = MaxParallelInvocations;
                o.AddFilter<Support.SupportGuestHubFilter>();
                o.AddFilter<GatewayConnectionCap>();
                o.AddFilter<ChaosHubFilter>();
                // After ChaosHubFilter (a waiting send counts as in flight for the drain), before anything that awaits.
                o.AddFilter<GatewaySendOrder>();
                o.AddFilter<HubRateLimitFilter>();
            })
            .AddJsonProtocol(o => FrontDoorServiceExtensions.ConfigureJson(o.PayloadSerializerOptions))
            .AddMessagePackProtocol(o => o.SerializerOptions = MessagePackSerializerOptions.Standard
                .WithResolver(CompositeResolver.Create(new JsonMirrorResolver(json), StandardResolver.Instance))
                .WithSecurity(MessagePackSecurity.UntrustedData));
        return services;
    }

    /// <summary>While the door drains, gateway connections (negotiate and WebSocket alike) are refused: 503 <c>unavailable</c>.</summary>
    public static IApplicationBuilder UseChaosGatewayDrain(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/gateway") && context.RequestServices.GetRequiredService<GatewayDrain>().IsDraining)
        {
            context.Response.Headers.RetryAfter = "1";
            await Problems.From(new ChaosException(ErrorCodes.Unavailable, "This front door is shutting down; connect to another one.")).ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    public static IEndpointRouteBuilder MapChaosGateway(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHub<GatewayHub>("/gateway", o =>
        {
            o.AllowStatefulReconnects = true;
            o.Transports = HttpTransportType.WebSockets | HttpTransportType.LongPolling;
            o.ApplicationMaxBufferSize = MaxMessageBytes;
            // No token refresh on an open connection (docs/api.md): it closes when its access token expires and the client
            // reconnects with a fresh one, filling any gap by seq (docs/api.md#gateway).
            o.CloseOnAuthenticationExpiration = true;
        });
        return endpoints;
    }
}
