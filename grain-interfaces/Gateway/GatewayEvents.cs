namespace Chaos.Gateway;

/// <summary>Gateway event names (API.md) and the internal ones front doors consume.</summary>
public static class GatewayEvents
{
    public const string Ready = "Ready";
    public const string MessageCreated = "MessageCreated";
    public const string MessageUpdated = "MessageUpdated";
    public const string MessageDeleted = "MessageDeleted";
    public const string TypingStarted = "TypingStarted";
    public const string CommunityUpdated = "CommunityUpdated";
    public const string CommunityDeleted = "CommunityDeleted";
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

    /// <summary>Internal, on a user stream: the user is now in this DM or group (payload: the Channel); subscribe to it.</summary>
    public const string PrivateChannelAdded = "_PrivateChannelAdded";

    /// <summary>Internal, on a user stream: the user left or was removed from this group (payload: the Channel).</summary>
    public const string PrivateChannelRemoved = "_PrivateChannelRemoved";
    public const string VoiceStateUpdated = "VoiceStateUpdated";

    /// <summary>Internal: re-evaluate who may see this stream's events (never forwarded to clients).</summary>
    public const string AccessChanged = "_AccessChanged";

    /// <summary>Internal, on a user stream: that user's communities changed (joined one); resubscribe.</summary>
    public const string MembershipChanged = "_MembershipChanged";
}
