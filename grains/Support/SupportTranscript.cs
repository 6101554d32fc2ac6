using System.Globalization;
using System.Text;

namespace Chaos.Support;

/// <summary>The plain-text transcript of a conversation (docs/api.md#support-desk), the same for agents, the guest and e-mail.</summary>
public static class SupportTranscript
{
    /// <summary>The most messages a transcript carries (the newest of them when there are more).</summary>
    public const int MaxMessages = 2_000;

    public static string Format(SupportConversation conversation, IReadOnlyList<SupportMessage> messages, string? summary)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Support conversation {conversation.Id} with {conversation.Guest.Name}\n");
        text.Append(CultureInfo.InvariantCulture, $"Started: {Time(conversation.CreatedAt)}\n");
        if (conversation.ClosedAt is { } closedAt)
        {
            text.Append(CultureInfo.InvariantCulture, $"Closed: {Time(closedAt)}\n");
        }

        if (!string.IsNullOrWhiteSpace(summary))
        {
            text.Append("\nSummary\n").Append(summary.Trim()).Append('\n');
        }

        text.Append("\nMessages\n");
        foreach (var message in messages)
        {
            var who = message.Author.Guest ? $"{message.Author.Name} (guest)" : $"{message.Author.DisplayName} (agent)";
            // Continuation lines are indented, so a message cannot fake a line of its own.
            var content = message.Content.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\n    ", StringComparison.Ordinal);
            text.Append(CultureInfo.InvariantCulture, $"[{Time(message.CreatedAt)}] {who}: {content}\n");
        }

        return text.ToString();
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
