using Chaos.Api.Gateway;
using Chaos.Api.Presence;
using Chaos.Api.PrivateChannels;
using Chaos.Api.Relationships;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chaos.Api.Hosting;

/// <summary>The personal side of CHAOS on the front door: relationships, presence, DMs and group DMs.</summary>
public static class PersonalServiceExtensions
{
    public static IServiceCollection AddChaosPersonal(this IServiceCollection services)
    {
        services.TryAddSingleton<FrontDoorIdentity>();
        services.AddSingleton<PresenceTracker>();
        services.AddHostedService(sp => sp.GetRequiredService<PresenceTracker>());
        services.AddSingleton<IGatewayConnectionObserver>(sp => sp.GetRequiredService<PresenceTracker>());
        services.AddSingleton<PresenceGateway>();
        services.AddSingleton<IReadyContributor>(sp => sp.GetRequiredService<PresenceGateway>());
        services.AddSingleton<IGatewayEventHandler>(sp => sp.GetRequiredService<PresenceGateway>());
        services.AddSingleton<IGatewayConnectionObserver>(sp => sp.GetRequiredService<PresenceGateway>());
        services.AddSingleton<PrivateChannelGateway>();
        services.AddSingleton<IReadyContributor>(sp => sp.GetRequiredService<PrivateChannelGateway>());
        services.AddSingleton<IGatewayEventHandler>(sp => sp.GetRequiredService<PrivateChannelGateway>());
        services.Configure<HubOptions>(o => o.AddFilter<PresenceActivityFilter>());
        services.AddSingleton<PresenceActivityFilter>();
        return services;
    }

    public static RouteGroupBuilder MapChaosPersonal(this RouteGroupBuilder api)
    {
        api.MapRelationshipsApi();
        api.MapPresenceApi();
        api.MapPrivateChannelsApi();
        return api;
    }
}
