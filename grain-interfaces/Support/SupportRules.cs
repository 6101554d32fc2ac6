using Chaos.Accounts;

namespace Chaos.Support;

/// <summary>The limits of docs/api.md#support-desk, checked by the front door and again by the grains.</summary>
public static class SupportRules
{
    public const int MaxGuestNameLength = 64;
    public const int MaxEmailLength = 254;
    public const int MaxGreetingLength = 500;
    public const int MinConcurrent = 1;
    public const int MaxConcurrent = 20;
    public const int MaxRatingCommentLength = 1000;

    /// <summary>The most agents one desk keeps (its grain state stays bounded).</summary>
    public const int MaxAgents = 200;

    public static string? CheckGuestName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "must not be empty."
        : name.Trim().Length > MaxGuestNameLength ? $"must be at most {MaxGuestNameLength} characters."
        : TextRules.CheckWellFormed(name, allowNewlines: false);

    public static string? CheckEmail(string? email)
    {
        if (email is null)
        {
            return null;
        }

        if (email.Length > MaxEmailLength)
        {
            return $"must be at most {MaxEmailLength} characters.";
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1 || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or '"')
            ? "must be an e-mail address."
            : null;
    }

    public static string? CheckGreeting(string? text) =>
        text is null ? null
        : text.Length > MaxGreetingLength ? $"must be at most {MaxGreetingLength} characters."
        : TextRules.CheckWellFormed(text, allowNewlines: true);

    public static string? CheckConcurrent(int value) =>
        value is < MinConcurrent or > MaxConcurrent ? $"must be between {MinConcurrent} and {MaxConcurrent}." : null;

    public static string? CheckScore(int score) => score is < 1 or > 5 ? "must be between 1 and 5." : null;

    public static string? CheckComment(string? comment) =>
        comment is null ? null
        : comment.Length > MaxRatingCommentLength ? $"must be at most {MaxRatingCommentLength} characters."
        : TextRules.CheckWellFormed(comment, allowNewlines: true);
}
