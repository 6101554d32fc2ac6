using Chaos.Api.Accounts;
using Chaos.Communities;
using Chaos.Messages;

namespace Chaos.Api.Gateway;

/// <summary>
/// <c>Ready</c> (docs/api.md#ready): everything a client needs to draw its first screen. Relationships, presences, DMs and voice
/// states are empty until their features exist (they keep their names so clients can rely on the shape).
/// </summary>
public sealed record ReadyEvent(
    UserDto User,
    IReadOnlyList<Community> Communities,
    IReadOnlyList<Channel> DmChannels,
    IReadOnlyList<object> Relationships,
    IReadOnlyList<object> Presences,
    IReadOnlyList<ReadState> ReadStates,
    IReadOnlyList<object> VoiceStates);
