using System.Text.RegularExpressions;
using Chaos.Accounts;

namespace Chaos.Messages;

/// <summary>Message limits and mention syntax (docs/api.md#limits), shared by the front door and the Channel grain.</summary>
public static partial class MessageRules
{
    public const int ContentMax = 4000;
    public const int NonceMax = 64;
    public const int MaxMentions = 100;

    /// <summary>
    /// A read state's <c>mentionCount</c> counts at most this many unread mentions (docs/api.md#read-states): the count is
    /// an index range scan over the user's mentions, and this bounds it however many mentions pile up.
    /// </summary>
    public const int MaxCountedMentions = 1000;
    public static readonly TimeSpan NonceWindow = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan TypingDuration = TimeSpan.FromSeconds(8);

    /// <summary>docs/api.md#attachments: a message carries at most 10 uploaded files.</summary>
    public const int MaxAttachments = 10;

    public static string? CheckContent(string? content)
    {
        if (content is null)
        {
            return "Content is required.";
        }

        var trimmed = content.Trim();
        if (trimmed.Length is 0 or > ContentMax)
        {
            return $"Content must be 1–{ContentMax} characters after trimming.";
        }

        return TextRules.CheckWellFormed(content, allowNewlines: true);
    }

    public static string? CheckNonce(string? nonce)
    {
        if (nonce is null)
        {
            return null;
        }

        if (nonce.Length is 0 or > NonceMax)
        {
            return $"Nonce must be 1–{NonceMax} characters.";
        }

        return TextRules.CheckWellFormed(nonce, allowNewlines: false);
    }

    /// <summary>User ids mentioned as <c>&lt;@id&gt;</c>, distinct, in order of appearance, at most <see cref="MaxMentions"/>.</summary>
    public static IReadOnlyList<long> ParseMentions(string content)
    {
        var result = new List<long>();
        foreach (Match match in MentionPattern().Matches(content))
        {
            if (long.TryParse(match.Groups[1].ValueSpan, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0 && !result.Contains(id))
            {
                result.Add(id);
                if (result.Count == MaxMentions)
                {
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>The <see cref="MessageFlags"/> mention bits of <paramref name="content"/> (docs/api.md#mentions).</summary>
    public static int MentionFlags(string content, bool mayMentionEveryone)
    {
        ArgumentNullException.ThrowIfNull(content);
        var flags = 0;
        if (mayMentionEveryone && content.Contains("@everyone", StringComparison.Ordinal))
        {
            flags |= MessageFlags.MentionsEveryone;
        }

        if (content.Contains("<@&", StringComparison.Ordinal) && RoleMentionPattern().IsMatch(content))
        {
            flags |= MessageFlags.MentionsRoles;
        }

        return flags;
    }

    /// <summary>The text that mentions role <paramref name="roleId"/>.</summary>
    public static string RoleMention(long roleId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"<@&{roleId}>");

    [GeneratedRegex(@"<@&(\d{1,19})>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex RoleMentionPattern();

    [GeneratedRegex(@"<@(\d{1,19})>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex MentionPattern();
}
