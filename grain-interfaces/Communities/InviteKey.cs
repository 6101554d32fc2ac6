namespace Chaos.Communities;

/// <summary>Invite grain keys carry a non-hex prefix, for the same ADO.NET key trap as usernames (docs/architecture.md#grain-keys-and-state-names).</summary>
public static class InviteKey
{
    /// <summary>10 random characters and a 6-character tag the front door checks before any grain call (docs/architecture.md#cheap-checks-before-grains).</summary>
    public const int CodeLength = 16;

    public static string For(string code) => "invite:" + code;

    /// <summary>Codes are 16 characters of [A-Za-z0-9]; anything else cannot be an invite.</summary>
    public static bool IsWellFormed(string? code) =>
        code is { Length: CodeLength } && code.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9'));
}
