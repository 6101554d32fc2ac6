using System.Text.RegularExpressions;
using Chaos.Accounts;

namespace Chaos.Messages;

/// <summary>Message limits and mention syntax (docs/api.md#limits), shared by the front door and the Channel grain.</summary>
public static partial class MessageRules
{
    public const int ContentMax = 4000;
    public const int NonceMax = 64;
    public const int MaxMentions = 100;
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

    [GeneratedRegex(@"<@(\d{1,19})>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex MentionPattern();
}
