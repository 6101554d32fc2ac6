namespace Chaos.PrivateChannels;

/// <summary>Limits for DMs and group DMs (docs/api.md#limits).</summary>
public static class PrivateChannelRules
{
    /// <summary>Recipients named when creating a group (the creator comes on top).</summary>
    public const int MinGroupRecipients = 2;

    public const int MaxGroupRecipients = 9;

    /// <summary>Everyone in a group, owner included.</summary>
    public const int MaxGroupSize = MaxGroupRecipients + 1;

    /// <summary>DMs and groups delivered in <c>Ready</c> and listed by <c>GET /users/@me/channels</c> (newest first).</summary>
    public const int MaxListed = 200;
}
