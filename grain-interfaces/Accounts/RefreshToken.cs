using System.Diagnostics.CodeAnalysis;
using Chaos.Ids;

namespace Chaos.Accounts;

/// <summary>
/// An opaque refresh token is <c>{userId}.{sessionId}.{secret}</c>: the user id routes it to the right grain, the
/// session id names the login (the rotation family) and the secret is checked against a stored hash.
/// </summary>
public readonly record struct RefreshToken(long UserId, string SessionId, string Secret)
{
    public const int MaxLength = 256;

    public override string ToString() => $"{UserId}.{SessionId}.{Secret}";

    public static bool TryParse(string? text, [NotNullWhen(true)] out RefreshToken? token)
    {
        token = null;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            return false;
        }

        var parts = text.Split('.');
        if (parts.Length != 3 || !Snowflake.TryParse(parts[0], out var userId) || !IsBase64Url(parts[1]) || !IsBase64Url(parts[2]))
        {
            return false;
        }

        token = new RefreshToken(userId, parts[1], parts[2]);
        return true;
    }

    private static bool IsBase64Url(string part) =>
        part.Length is > 0 and <= 64 && part.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_');
}
