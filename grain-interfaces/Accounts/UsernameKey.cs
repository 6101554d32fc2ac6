namespace Chaos.Accounts;

/// <summary>
/// Username grain keys carry a non-hex prefix: Orleans' ADO.NET storage stores a hex-looking string key as a number,
/// so "cafe", "0cafe" and "00cafe" would otherwise share one row (docs/architecture.md#grain-keys-and-state-names).
/// </summary>
public static class UsernameKey
{
    public static string For(string normalizedUsername) => "name:" + normalizedUsername;
}
