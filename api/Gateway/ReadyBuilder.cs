using Chaos.Communities;
using Chaos.Messages;

namespace Chaos.Api.Gateway;

/// <summary>
/// Collects <c>Ready</c> for one connecting user. Features add their part through an <see cref="IReadyContributor"/>
/// (relationships, presences, DMs, voice states) without the hub knowing them.
/// </summary>
public sealed class ReadyBuilder(long userId)
{
    public long UserId { get; } = userId;

    /// <summary>The connection being readied, so contributors can keep per-connection state (empty outside the hub).</summary>
    public string ConnectionId { get; init; } = string.Empty;

    public List<Community> Communities { get; } = [];

    public List<Channel> DmChannels { get; } = [];

    public List<object> Relationships { get; } = [];

    public List<object> Presences { get; } = [];

    public List<ReadState> ReadStates { get; } = [];

    public List<object> VoiceStates { get; } = [];

    /// <summary>DM or group id → its membership version when read for this snapshot (<see cref="ConnectionInfo.TakePrivateVersion"/>).</summary>
    public Dictionary<long, long> PrivateVersions { get; } = [];

    /// <summary>Extra streams (namespace, key) this connection must listen to, e.g. friends' presence or DM channels.</summary>
    public List<(string Namespace, long Key)> ExtraStreams { get; } = [];
}
