namespace Chaos.Accounts;

/// <summary>
/// The claim of one normalized username (key <see cref="UsernameKey.For"/>): uniqueness comes from single
/// activation. It also counts failed logins for that name, cluster-wide.
/// </summary>
public interface IUsernameGrain : IGrainWithStringKey
{
    Task<IssuedSession> RegisterAsync(long newUserId, string displayName, string password);

    Task<IssuedSession> LoginAsync(string password);

    Task<long?> GetUserIdAsync();
}
