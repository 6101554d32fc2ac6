using Chaos.Errors;
using Chaos.Hosting;
using Chaos.RateLimits;
using Microsoft.Extensions.Options;

namespace Chaos.Accounts;

internal sealed class UsernameGrain(
    [PersistentState("username", ChaosProviders.GrainStorage)] IPersistentState<UsernameState> state,
    PasswordHasher hasher,
    TimeProvider time,
    IOptions<RateLimitOptions> limits) : Grain, IUsernameGrain
{
    // In memory on purpose: one activation per name makes the count cluster-wide, and losing it on failover only
    // forgives a few attempts. Bounded by the limit itself.
    private readonly Queue<DateTimeOffset> failures = new();

    private string Username
    {
        get
        {
            var key = this.GetPrimaryKeyString();
            return key.StartsWith(UsernameKey.For(string.Empty), StringComparison.Ordinal) ? key[UsernameKey.For(string.Empty).Length..] : string.Empty;
        }
    }

    public async Task<IssuedSession> RegisterAsync(long newUserId, string displayName, string password)
    {
        var username = Username;
        var error = AccountRules.CheckUsername(username)
            ?? (username != AccountRules.NormalizeUsername(username) ? "Username must be normalized." : null);
        if (error is not null)
        {
            throw ChaosException.Validation("username", error);
        }

        if (state.State.UserId == newUserId)
        {
            // A retried registration (the first answer was lost to a failover) gets the same account back.
            return await GrainFactory.GetGrain<IUserGrain>(newUserId).LoginAsync(password)
                ?? throw new ChaosException(ErrorCodes.UsernameTaken, "That username is taken.");
        }

        if (state.State.UserId != 0)
        {
            throw new ChaosException(ErrorCodes.UsernameTaken, "That username is taken.");
        }

        var user = GrainFactory.GetGrain<IUserGrain>(newUserId);
        var session = await user.CreateAsync(username, displayName, password);
        state.State.UserId = newUserId;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Never leave an account that no username leads to.
            state.State.UserId = 0;
            await user.AbandonAsync();
            throw;
        }

        return session;
    }

    public async Task<IssuedSession> LoginAsync(string password)
    {
        var now = time.GetUtcNow();
        var window = TimeSpan.FromSeconds(limits.Value.FailedLoginWindowSeconds);
        while (failures.Count > 0 && failures.Peek() + window <= now)
        {
            failures.Dequeue();
        }

        if (failures.Count >= limits.Value.FailedLogins)
        {
            var retryAfter = (failures.Peek() + window - now).TotalSeconds;
            throw ChaosException.RateLimited(Math.Max(retryAfter, 0.001), "Too many failed logins for this username; try again later.");
        }

        IssuedSession? session = null;
        if (state.State.UserId == 0)
        {
            await hasher.BurnAsync(password);
        }
        else
        {
            session = await GrainFactory.GetGrain<IUserGrain>(state.State.UserId).LoginAsync(password);
        }

        if (session is null)
        {
            failures.Enqueue(now);
            throw new ChaosException(ErrorCodes.InvalidCredentials, "Wrong username or password.");
        }

        failures.Clear();
        return session;
    }

    public Task<long?> GetUserIdAsync() => Task.FromResult(state.State.UserId == 0 ? (long?)null : state.State.UserId);
}
