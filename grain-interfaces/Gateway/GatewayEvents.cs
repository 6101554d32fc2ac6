namespace Chaos.Gateway;

/// <summary>Gateway event names (docs/api.md#events). Events for front doors only are typed (<see cref="IGatewayControlEvent"/>), not named.</summary>
public static class GatewayEvents
{
    public const string Ready = "Ready";
    public const string MessageCreated = "MessageCreated";
    public const string MessageUpdated = "MessageUpdated";
    public const string MessageDeleted = "MessageDeleted";
    public const string TypingStarted = "TypingStarted";
    public const string CommunityUpdated = "CommunityUpdated";
    public const string CommunityDeleted = "CommunityDeleted";
    public const string CommunityJoined = "CommunityJoined";
    public const string MemberJoined = "MemberJoined";
    public const string MemberUpdated = "MemberUpdated";
    public const string MemberLeft = "MemberLeft";
    public const string ChannelCreated = "ChannelCreated";
    public const string ChannelUpdated = "ChannelUpdated";
    public const string ChannelDeleted = "ChannelDeleted";
    public const string RoleCreated = "RoleCreated";
    public const string RoleUpdated = "RoleUpdated";
    public const string RoleDeleted = "RoleDeleted";
    public const string ReadStateUpdated = "ReadStateUpdated";
    public const string PresenceUpdated = "PresenceUpdated";
    public const string RelationshipUpdated = "RelationshipUpdated";
    public const string ReactionAdded = "ReactionAdded";
    public const string ReactionRemoved = "ReactionRemoved";
    public const string ChannelPinsUpdated = "ChannelPinsUpdated";

    /// <summary>A flagged message joined the moderation queue; only for connections of users with ManageMessages.</summary>
    public const string ModerationQueued = "ModerationQueued";

    public const string VoiceStateUpdated = "VoiceStateUpdated";

    /// <summary>An MLS commit, proposal or welcome of an end-to-end encrypted channel (docs/api.md#end-to-end-encryption).</summary>
    public const string MlsMessage = "MlsMessage";

    /// <summary>A support conversation changed (docs/api.md#support-desk): to its guest and to agents watching the desk.</summary>
    public const string SupportConversationUpdated = "SupportConversationUpdated";
}
