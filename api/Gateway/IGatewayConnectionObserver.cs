namespace Chaos.Api.Gateway;

/// <summary>Told when a local gateway connection opens (after Ready) and closes — presence and voice build on it.</summary>
public interface IGatewayConnectionObserver
{
    Task OnConnectedAsync(string connectionId, long userId);

    Task OnDisconnectedAsync(string connectionId, long userId);

    /// <summary>The connection's user can no longer see these channels (an overwrite, a role change, a deleted channel).</summary>
    Task OnChannelsHiddenAsync(string connectionId, long userId, IReadOnlyCollection<long> channelIds) => Task.CompletedTask;
}
