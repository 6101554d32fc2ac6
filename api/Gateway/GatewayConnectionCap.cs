using Chaos.Api.Auth;
using Chaos.Api.Presence;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chaos.Api.Gateway;

/// <summary>
/// At most <see cref="GatewayOptions.MaxConnectionsPerUser"/> gateway connections per user across the cluster
/// (docs/architecture.md#connection-limits). The user's Presence grain, which already counts their connections on every
/// front door, admits or refuses each new one atomically, before <c>Ready</c> costs anything; a refused connection is
/// closed with <c>too_many_connections</c>.
/// </summary>
public sealed partial class GatewayConnectionCap(PresenceTracker presence, IOptions<GatewayOptions> options, ILogger<GatewayConnectionCap> logger) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var hub = context.Context;
        if (hub.User?.FindFirst("sub") is null)
        {
            await next(context);
            return;
        }

        var userId = hub.User.UserId();
        var limit = options.Value.MaxConnectionsPerUser;
        if (!await presence.TryAdmitAsync(hub.ConnectionId, userId, limit))
        {
            LogRefused(logger, userId, limit);
            throw new HubException($"too_many_connections: at most {limit} gateway connections per user.");
        }

        try
        {
            await next(context);
        }
        catch
        {
            // SignalR does not call OnDisconnectedAsync for a connection whose OnConnectedAsync failed: give its place back.
            await presence.OnDisconnectedAsync(hub.ConnectionId, userId);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway connection of user {UserId} refused: already {Limit} open")]
    private static partial void LogRefused(ILogger logger, long userId, int limit);
}
