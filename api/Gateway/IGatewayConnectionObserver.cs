namespace Chaos.Api.Gateway;

/// <summary>Told when a local gateway connection opens (after Ready) and closes — presence and voice build on it.</summary>
public interface IGatewayConnectionObserver
{
    Task OnConnectedAsync(string connectionId, long userId);

    Task OnDisconnectedAsync(string connectionId, long userId);
}
