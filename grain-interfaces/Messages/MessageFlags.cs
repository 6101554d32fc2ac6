namespace Chaos.Messages;

/// <summary>
/// Bits of <see cref="Message.Flags"/> (docs/api.md#message). Bit 0 is the contract's <c>hidden</c>; the mentions inbox
/// finds messages by the mention bits, which sit higher (migration 0090 moved them there from bits 0 and 1).
/// </summary>
public static class MessageFlags
{
    /// <summary>
    /// Hidden by AI moderation (docs/api.md#ai-assistance) until a moderator dismisses it: members without ManageMessages
    /// see empty content and no attachments. Flag value 1, as the contract says.
    /// </summary>
    public const int Hidden = 1 << 0;

    /// <summary>The content says <c>@everyone</c> and its author held MentionEveryone when it was sent.</summary>
    public const int MentionsEveryone = 1 << 8;

    /// <summary>The content mentions at least one role as <c>&lt;@&amp;roleId&gt;</c>.</summary>
    public const int MentionsRoles = 1 << 9;

    /// <summary>Both mention bits: the mentions inbox's partial index covers the rows with either.</summary>
    public const int Mentions = MentionsEveryone | MentionsRoles;
}
