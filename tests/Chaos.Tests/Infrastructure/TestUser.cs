namespace Chaos.Tests.Infrastructure;

public sealed record TestUser(string Id, string Username, string Password, string AccessToken, string RefreshToken, HttpClient Http)
{
    /// <summary>A username no other test uses: lower-case letters and digits within the 32 characters of docs/api.md#limits.</summary>
    public static string UniqueName(string prefix = "u") => (prefix + Guid.NewGuid().ToString("N"))[..Math.Min(32, prefix.Length + 20)];
}
