using Chaos.Api.Gateway;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.E2ee;

/// <summary>End-to-end encryption on the front door: device-bound gateway connections and welcome routing.</summary>
public static class E2eeServiceExtensions
{
    public static IServiceCollection AddChaosE2ee(this IServiceCollection services)
    {
        services.AddSingleton<DeviceConnections>();
        services.AddSingleton<IGatewayEventHandler, WelcomeDelivery>();
        services.Configure<HubOptions>(o => o.AddFilter<DeviceHubFilter>());
        return services;
    }
}
