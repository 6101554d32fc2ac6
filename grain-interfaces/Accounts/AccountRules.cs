namespace Chaos.Accounts;

/// <summary>Limits for account fields (docs/api.md#limits), shared by the front door (early refusal) and the grains (authority).</summary>
public static class AccountRules
{
    public const int UsernameMin = 2;
    public const int UsernameMax = 32;
    public const int DisplayNameMin = 1;
    public const int DisplayNameMax = 64;
    public const int PasswordMin = 8;
    public const int PasswordMax = 256;
    public const int StatusMessageMax = 128;

    public static string NormalizeUsername(string username) => username.ToLowerInvariant();

    /// <summary>Null when valid, else the message for the username field.</summary>
    public static string? CheckUsername(string? username)
    {
        if (username is null)
        {
            return "Username is required.";
        }

        if (username.Length is < UsernameMin or > UsernameMax)
        {
            return $"Username must be {UsernameMin}–{UsernameMax} characters.";
        }

        foreach (var c in username)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '.'))
            {
                return "Username may contain only letters a–z, digits, '_' and '.'.";
            }
        }

        return null;
    }

    public static string? CheckPassword(string? password)
    {
        if (password is null)
        {
            return "Password is required.";
        }

        if (password.Length is < PasswordMin or > PasswordMax)
        {
            return $"Password must be {PasswordMin}–{PasswordMax} characters.";
        }

        return TextRules.CheckWellFormed(password, allowNewlines: false);
    }

    public static string? CheckDisplayName(string? displayName)
    {
        if (displayName is null)
        {
            return "Display name is required.";
        }

        var trimmed = displayName.Trim();
        if (trimmed.Length is < DisplayNameMin or > DisplayNameMax)
        {
            return $"Display name must be {DisplayNameMin}–{DisplayNameMax} characters.";
        }

        return TextRules.CheckWellFormed(displayName, allowNewlines: false) ?? SpoofingRules.Check(displayName);
    }

    public static string? CheckStatusMessage(string? statusMessage)
    {
        if (statusMessage is null)
        {
            return null;
        }

        if (statusMessage.Length > StatusMessageMax)
        {
            return $"Status message must be at most {StatusMessageMax} characters.";
        }

        return TextRules.CheckWellFormed(statusMessage, allowNewlines: false) ?? SpoofingRules.Check(statusMessage);
    }
}
