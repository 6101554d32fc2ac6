namespace Chaos.Accounts;

/// <summary>A user account: profile, password hash and refresh-token families (logins). Keyed by user id.</summary>
public interface IUserGrain : IGrainWithIntegerKey
{
    /// <summary>Creates the account and its first login (one password hash, not two). Only the Username grain calls this.</summary>
    Task<IssuedSession> CreateAsync(string username, string displayName, string password);

    /// <summary>Removes an account that was created but whose username claim could not be stored.</summary>
    Task AbandonAsync();

    Task<UserProfile?> GetProfileAsync();

    /// <summary>Checks the password and, when it matches, starts a new login. Null when it does not match.</summary>
    Task<IssuedSession?> LoginAsync(string password);

    /// <summary>Rotates a refresh token. A token that was already used revokes its whole login (reuse detection).</summary>
    Task<IssuedSession> RefreshAsync(string sessionId, string secret);

    Task LogoutAsync(string sessionId, string secret);

    Task<UserProfile> UpdateProfileAsync(string? displayName, string? statusMessage);

    /// <summary>The communities this user is a member of (at most 200).</summary>
    Task<IReadOnlyList<long>> GetCommunityIdsAsync();
}
