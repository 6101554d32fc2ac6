using Chaos.Communities;

namespace Chaos.Api.Gateway;

/// <summary>Told when a local gateway connection opens (after Ready) and closes — presence and voice build on it.</summary>
public interface IGatewayConnectionObserver
{
    Task OnConnectedAsync(string connectionId, long userId);

    Task OnDisconnectedAsync(string connectionId, long userId);

    /// <summary>The connection's user can no longer see these channels (an overwrite, a role change, a deleted channel).</summary>
    Task OnChannelsHiddenAsync(string connectionId, long userId, IReadOnlyCollection<long> channelIds) => Task.CompletedTask;

    /// <summary>
    /// The connection's access to a community was just brought in line with <paramref name="view"/> (null: it has none),
    /// under the connection's lock; streams a feature added to the connection for that community are checked here.
    /// </summary>
    Task OnCommunityAccessAppliedAsync(ConnectionInfo connection, long communityId, Community? view) => Task.CompletedTask;
}
