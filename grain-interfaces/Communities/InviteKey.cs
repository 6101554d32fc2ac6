namespace Chaos.Communities;

/// <summary>Invite grain keys carry a non-hex prefix, for the same ADO.NET key trap as usernames (docs/architecture.md#grain-keys-and-state-names).</summary>
public static class InviteKey
{
    public const int CodeLength = 10;

    public static string For(string code) => "invite:" + code;

    /// <summary>Codes are 10 characters of [A-Za-z0-9]; anything else cannot be an invite.</summary>
    public static bool IsWellFormed(string? code) =>
        code is { Length: CodeLength } && code.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9'));
}
