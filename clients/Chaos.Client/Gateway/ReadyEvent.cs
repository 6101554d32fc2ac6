using Chaos.Client.Accounts;
using Chaos.Client.Communities;
using Chaos.Client.Messages;
using Chaos.Client.Relationships;
using Chaos.Client.Voice;

namespace Chaos.Client.Gateway;

/// <summary>The first event of every gateway connection: everything needed to draw the first screen.</summary>
public sealed record ReadyEvent(
    User User,
    IReadOnlyList<Community> Communities,
    IReadOnlyList<Channel> DmChannels,
    IReadOnlyList<Relationship> Relationships,
    IReadOnlyList<Presence> Presences,
    IReadOnlyList<ReadState> ReadStates,
    IReadOnlyList<VoiceState> VoiceStates);
