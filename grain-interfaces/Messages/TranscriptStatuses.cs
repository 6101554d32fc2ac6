namespace Chaos.Messages;

/// <summary>The values of <see cref="Attachment.TranscriptStatus"/> (docs/api.md#ai-assistance).</summary>
public static class TranscriptStatuses
{
    public const string Pending = "pending";
    public const string Done = "done";
    public const string Failed = "failed";

    /// <summary>The longest transcript kept (a 10-minute voice message says far less).</summary>
    public const int MaxLength = 20_000;
}
