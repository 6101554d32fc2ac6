namespace Chaos.Messages;

/// <summary>Bits of <see cref="Message.Flags"/> (docs/api.md#message). The mentions inbox finds messages by them.</summary>
public static class MessageFlags
{
    /// <summary>The content says <c>@everyone</c> and its author held MentionEveryone when it was sent.</summary>
    public const int MentionsEveryone = 1 << 0;

    /// <summary>The content mentions at least one role as <c>&lt;@&amp;roleId&gt;</c>.</summary>
    public const int MentionsRoles = 1 << 1;

    /// <summary>
    /// Hidden by AI moderation (docs/api.md#ai-assistance) until a moderator dismisses it: members without ManageMessages
    /// see empty content and no attachments. Bit 2, because bits 0 and 1 were already the mention bits.
    /// </summary>
    public const int Hidden = 1 << 2;
}
