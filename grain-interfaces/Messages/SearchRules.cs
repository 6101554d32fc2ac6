using System.Globalization;
using System.Text;

namespace Chaos.Messages;

/// <summary>
/// How <c>q</c> becomes words (docs/api.md#search): runs of letters, marks and digits of any script, lower-cased
/// invariantly. The PostgreSQL store matches them against the <c>simple</c> text-search configuration (no stemming, no
/// stop words, so no language is favoured) and the in-memory store splits message text the same way.
/// </summary>
public static class SearchRules
{
    public const int QueryMax = 200;
    public const int MaxTerms = 16;

    public static string? CheckQuery(string? q)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Length > QueryMax)
        {
            return $"q must be 1–{QueryMax} characters.";
        }

        if (Accounts.TextRules.CheckWellFormed(q, allowNewlines: false) is { } error)
        {
            return error;
        }

        return Words(q).Count == 0 ? "q must contain at least one word." : null;
    }

    /// <summary>The distinct words of <paramref name="text"/>, lower case, in order, at most <see cref="MaxTerms"/>.</summary>
    public static IReadOnlyList<string> Terms(string text)
    {
        var words = Words(text);
        return [.. words.Distinct(StringComparer.Ordinal).Take(MaxTerms)];
    }

    /// <summary>Every word of <paramref name="text"/>, lower case (used by the in-memory store to index content).</summary>
    public static List<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (Rune.IsLetterOrDigit(rune) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber)
            {
                current.Append(Rune.ToLowerInvariant(rune).ToString());
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }
}
