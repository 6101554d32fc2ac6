namespace Chaos.Tests.Infrastructure;

public sealed record TestUser(string Id, string Username, string Password, string AccessToken, string RefreshToken, HttpClient Http)
{
    /// <summary>A username no other test uses: lower-case letters and digits within API.md's 32 characters.</summary>
    public static string UniqueName(string prefix = "u") => (prefix + Guid.NewGuid().ToString("N"))[..Math.Min(32, prefix.Length + 20)];
}
