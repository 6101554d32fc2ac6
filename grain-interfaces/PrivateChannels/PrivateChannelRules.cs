namespace Chaos.PrivateChannels;

/// <summary>Limits for DMs and group DMs (docs/api.md#limits).</summary>
public static class PrivateChannelRules
{
    /// <summary>Recipients named when creating a group (the creator comes on top).</summary>
    public const int MinGroupRecipients = 2;

    public const int MaxGroupRecipients = 9;

    /// <summary>Everyone in a group, owner included.</summary>
    public const int MaxGroupSize = MaxGroupRecipients + 1;

    /// <summary>
    /// Group DMs one user may be in, whoever created them (docs/api.md#limits). Checked and taken in one step when a group
    /// is created or someone is added, so concurrent additions never pass it.
    /// </summary>
    public const int MaxGroupsPerUser = 100;

    /// <summary>DMs and groups delivered in <c>Ready</c> and listed by <c>GET /users/@me/channels</c> (newest first).</summary>
    public const int MaxListed = 200;
}
