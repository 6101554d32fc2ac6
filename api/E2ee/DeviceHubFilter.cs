using Chaos.Api.Auth;
using Chaos.E2ee;
using Chaos.Errors;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.E2ee;

/// <summary>
/// Binds a gateway connection to the device it names (<c>deviceId</c> query parameter or header) before the hub sets it
/// up: the device must be one of the caller's own, or the connection is refused with <c>not_found</c>.
/// </summary>
public sealed class DeviceHubFilter(IGrainFactory grains, DeviceConnections devices) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var hub = context.Context;
        var http = hub.GetHttpContext();
        long? deviceId = null;
        if (hub.User?.FindFirst("sub") is not null && http is not null)
        {
            try
            {
                deviceId = DeviceIds.Of(http);
                if (deviceId is { } id)
                {
                    await grains.GetGrain<IUserDevicesGrain>(hub.User.UserId()).RequireDeviceAsync(id);
                }
            }
            catch (ChaosException exception)
            {
                throw new HubException($"{exception.Code}: {exception.Message}");
            }
        }

        if (deviceId is { } device)
        {
            devices.Add(hub.ConnectionId, device);
        }

        try
        {
            await next(context);
        }
        catch
        {
            devices.Remove(hub.ConnectionId);
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        devices.Remove(context.Context.ConnectionId);
        await next(context, exception);
    }
}
