using Chaos.Client.Accounts;

namespace Chaos.Client.Http;

/// <summary>
/// Holds the current token pair and refreshes it at most once per expiry, however many callers hit a 401 at once:
/// refresh tokens rotate and reuse revokes the whole login, so two parallel refreshes with one token would log the user out.
/// </summary>
internal sealed class TokenManager(Func<string, CancellationToken, Task<AuthResult>> refresh, TimeSpan refreshAhead)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Lock sync = new();
    private SessionTokens? current;

    public event Action<SessionTokens>? Rotated;

    public SessionTokens? Current
    {
        get
        {
            lock (sync)
            {
                return current;
            }
        }
    }

    public void Set(SessionTokens? tokens)
    {
        lock (sync)
        {
            current = tokens;
        }

        if (tokens is not null)
        {
            Rotated?.Invoke(tokens);
        }
    }

    /// <summary>A token to send now: refreshed first when it is about to expire.</summary>
    public async Task<string?> GetAccessTokenAsync(CancellationToken cancellation)
    {
        var tokens = Current;
        if (tokens is null)
        {
            return null;
        }

        if (tokens.ExpiresAt - DateTimeOffset.UtcNow > refreshAhead)
        {
            return tokens.AccessToken;
        }

        return (await RefreshAsync(tokens.AccessToken, cancellation))?.AccessToken;
    }

    /// <summary>Refreshes unless someone already replaced <paramref name="rejected"/>; null when there is nothing to refresh with.</summary>
    public async Task<SessionTokens?> RefreshAsync(string rejected, CancellationToken cancellation)
    {
        await gate.WaitAsync(cancellation);
        try
        {
            var tokens = Current;
            if (tokens is null)
            {
                return null;
            }

            if (tokens.AccessToken != rejected)
            {
                return tokens;
            }

            var result = await refresh(tokens.RefreshToken, cancellation);
            var rotated = new SessionTokens(result.AccessToken, result.RefreshToken, result.ExpiresAt);
            Set(rotated);
            return rotated;
        }
        finally
        {
            gate.Release();
        }
    }
}
