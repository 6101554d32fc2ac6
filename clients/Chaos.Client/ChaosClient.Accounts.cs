using Chaos.Client.Accounts;
using Chaos.Client.Communities;

namespace Chaos.Client;

public sealed partial class ChaosClient
{
    /// <summary>Creates an account and logs in as it.</summary>
    public async Task<AuthResult> RegisterAsync(string username, string password, string? displayName = null, CancellationToken cancellation = default)
    {
        var result = await SendAsync<AuthResult>(HttpMethod.Post, "auth/register", new { username, password, displayName }, cancellation, authenticated: false);
        Remember(result);
        return result;
    }

    public async Task<AuthResult> LoginAsync(string username, string password, CancellationToken cancellation = default)
    {
        var result = await SendAsync<AuthResult>(HttpMethod.Post, "auth/login", new { username, password }, cancellation, authenticated: false);
        Remember(result);
        return result;
    }

    /// <summary>Rotates the token pair now (the client also does this by itself when a token expires).</summary>
    public async Task<SessionTokens> RefreshAsync(CancellationToken cancellation = default)
    {
        var current = Tokens.Current ?? throw new InvalidOperationException("Not logged in.");
        return await Tokens.RefreshAsync(current.AccessToken, cancellation) ?? throw new InvalidOperationException("Not logged in.");
    }

    /// <summary>Revokes the refresh token and forgets the session.</summary>
    public async Task LogoutAsync(CancellationToken cancellation = default)
    {
        var current = Tokens.Current;
        if (current is not null)
        {
            await SendAsync(HttpMethod.Post, "auth/logout", new { refreshToken = current.RefreshToken }, cancellation, authenticated: false);
        }

        Tokens.Set(null);
        UserId = null;
    }

    public async Task<User> GetMeAsync(CancellationToken cancellation = default)
    {
        var me = await SendAsync<User>(HttpMethod.Get, "users/@me", null, cancellation);
        UserId = me.Id;
        return me;
    }

    /// <summary>Changes the display name and/or status message; null leaves a field as it is.</summary>
    public Task<User> UpdateMeAsync(string? displayName = null, string? statusMessage = null, CancellationToken cancellation = default) =>
        SendAsync<User>(HttpMethod.Patch, "users/@me", new { displayName, statusMessage }, cancellation);

    public Task<User> GetUserAsync(string userId, CancellationToken cancellation = default) =>
        SendAsync<User>(HttpMethod.Get, $"users/{Id(userId)}", null, cancellation);

    public Task<IReadOnlyList<Community>> GetMyCommunitiesAsync(CancellationToken cancellation = default) =>
        SendAsync<IReadOnlyList<Community>>(HttpMethod.Get, "users/@me/communities", null, cancellation);
}
