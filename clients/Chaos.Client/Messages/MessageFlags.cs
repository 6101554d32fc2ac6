namespace Chaos.Client.Messages;

/// <summary>Bits of <see cref="Message.Flags"/> (docs/api.md#message); test one with <c>(flags &amp; bit) != 0</c>.</summary>
public static class MessageFlags
{
    /// <summary>Hidden by AI moderation: without ManageMessages the content is empty and there are no attachments.</summary>
    public const int Hidden = 1;

    /// <summary>The content says <c>@everyone</c> and its author could mention everyone.</summary>
    public const int MentionsEveryone = 1 << 8;

    /// <summary>The content mentions at least one role as <c>&lt;@&amp;roleId&gt;</c>.</summary>
    public const int MentionsRoles = 1 << 9;
}
