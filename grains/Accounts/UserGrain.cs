using System.Security.Cryptography;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Hosting;
using Chaos.PrivateChannels;
using Chaos.Relationships;
using Microsoft.Extensions.Logging;

namespace Chaos.Accounts;

internal sealed partial class UserGrain(
    [PersistentState("user", ChaosProviders.GrainStorage)] IPersistentState<UserState> state,
    PasswordHasher hasher,
    IUserDirectory directory,
    ICommunityStore communities,
    IRelationshipStore relationshipStore,
    IPrivateChannelStore privateChannelStore,
    TimeProvider time,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    private static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(30);

    private bool Exists => state.RecordExists && state.State.PasswordHash.Length > 0;

    public async Task<IssuedSession> CreateAsync(string username, string displayName, string password)
    {
        if (Exists)
        {
            throw new ChaosException(ErrorCodes.Conflict, "This account already exists.");
        }

        ChaosException.ThrowIfInvalid("username", AccountRules.CheckUsername(username));
        ChaosException.ThrowIfInvalid("displayName", AccountRules.CheckDisplayName(displayName));
        ChaosException.ThrowIfInvalid("password", AccountRules.CheckPassword(password));

        state.State = new UserState
        {
            Username = AccountRules.NormalizeUsername(username),
            DisplayName = displayName.Trim(),
            PasswordHash = await hasher.HashAsync(password),
            CreatedAt = time.GetUtcNow(),
        };
        var (session, secret) = NewSession();
        state.State.Sessions.Add(session);
        await state.WriteStateAsync();
        await directory.UpsertAsync(PublicProfile());
        LogCreated(logger, this.GetPrimaryKeyLong());
        return Issue(session, secret);
    }

    public async Task AbandonAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    public Task<UserProfile?> GetProfileAsync() => Task.FromResult(Exists ? Profile() : null);

    public async Task<IssuedSession?> LoginAsync(string password)
    {
        if (!Exists || !await hasher.VerifyAsync(password, state.State.PasswordHash))
        {
            return null;
        }

        var now = time.GetUtcNow();
        state.State.Sessions.RemoveAll(s => s.ExpiresAt <= now);
        while (state.State.Sessions.Count >= UserState.MaxSessions)
        {
            state.State.Sessions.Remove(state.State.Sessions.MinBy(s => s.LastUsedAt)!);
        }

        var (session, secret) = NewSession();
        state.State.Sessions.Add(session);
        await state.WriteStateAsync();
        return Issue(session, secret);
    }

    public async Task<IssuedSession> RefreshAsync(string sessionId, string secret)
    {
        var session = Exists ? state.State.Sessions.Find(s => s.Id == sessionId) : null;
        if (session is null)
        {
            throw new ChaosException(ErrorCodes.Unauthorized, "The refresh token is not valid.");
        }

        var now = time.GetUtcNow();
        if (session.ExpiresAt <= now)
        {
            state.State.Sessions.Remove(session);
            await state.WriteStateAsync();
            throw new ChaosException(ErrorCodes.Unauthorized, "The refresh token has expired.");
        }

        if (!CryptographicOperations.FixedTimeEquals(Hash(secret), session.CurrentTokenHash))
        {
            // An old token of a live login came back: someone holds a copy. End the whole login.
            state.State.Sessions.Remove(session);
            await state.WriteStateAsync();
            LogReuse(logger, this.GetPrimaryKeyLong(), sessionId);
            throw new ChaosException(ErrorCodes.Unauthorized, "The refresh token was already used; this login has been revoked.");
        }

        var next = RandomToken(32);
        session.CurrentTokenHash = Hash(next);
        session.LastUsedAt = now;
        await state.WriteStateAsync();
        return Issue(session, next);
    }

    public async Task LogoutAsync(string sessionId, string secret)
    {
        // Only the current refresh secret ends a login: the user and session ids travel inside every access token, so
        // they alone prove nothing (docs/api.md#auth).
        var secretHash = Hash(secret);
        var removed = Exists ? state.State.Sessions.RemoveAll(s => s.Id == sessionId && CryptographicOperations.FixedTimeEquals(secretHash, s.CurrentTokenHash)) : 0;
        if (removed > 0)
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<UserProfile> UpdateProfileAsync(string? displayName, string? statusMessage)
    {
        if (!Exists)
        {
            throw ChaosException.NotFound("user");
        }

        if (displayName is not null)
        {
            ChaosException.ThrowIfInvalid("displayName", AccountRules.CheckDisplayName(displayName));
        }

        ChaosException.ThrowIfInvalid("statusMessage", AccountRules.CheckStatusMessage(statusMessage));
        var changed = false;
        if (displayName is not null && displayName.Trim() != state.State.DisplayName)
        {
            state.State.DisplayName = displayName.Trim();
            changed = true;
        }

        if (statusMessage is not null && statusMessage != state.State.StatusMessage)
        {
            state.State.StatusMessage = statusMessage;
            changed = true;
        }

        if (changed)
        {
            await state.WriteStateAsync();
            await directory.UpsertAsync(PublicProfile());
        }

        return Profile();
    }

    public async Task<IReadOnlyList<long>> GetCommunityIdsAsync() =>
        Exists ? await communities.GetCommunityIdsOfUserAsync(this.GetPrimaryKeyLong()) : [];

    private PublicUser PublicProfile()
    {
        var profile = Profile();
        return new PublicUser(profile.Id, profile.Username, profile.DisplayName, profile.CreatedAt);
    }

    private (LoginSession Session, string Secret) NewSession()
    {
        var now = time.GetUtcNow();
        var secret = RandomToken(32);
        var session = new LoginSession
        {
            Id = RandomToken(16),
            CreatedAt = now,
            LastUsedAt = now,
            ExpiresAt = now + RefreshTokenLifetime,
            CurrentTokenHash = Hash(secret),
        };
        return (session, secret);
    }

    private UserProfile Profile() =>
        new(this.GetPrimaryKeyLong(), state.State.Username, state.State.DisplayName, state.State.CreatedAt, state.State.StatusMessage);

    private IssuedSession Issue(LoginSession session, string secret) =>
        new(Profile(), new RefreshToken(this.GetPrimaryKeyLong(), session.Id, secret).ToString(), session.ExpiresAt, session.Id);

    private static string RandomToken(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    private static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} created")]
    private static partial void LogCreated(ILogger logger, long userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refresh token reuse for user {UserId}, login {SessionId}: login revoked")]
    private static partial void LogReuse(ILogger logger, long userId, string sessionId);
}
