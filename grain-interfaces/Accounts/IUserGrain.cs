using Chaos.Relationships;
using Orleans.Concurrency;

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

    /// <summary>
    /// Changes the relationship of <paramref name="actorId"/> towards <paramref name="targetId"/>: <c>Friend</c> sends a
    /// request or accepts an incoming one, <c>Blocked</c> blocks, <c>None</c> removes, declines, cancels or unblocks. Only
    /// the pair's coordinator (<see cref="RelationshipRules.Coordinator"/>) accepts it. Returns the actor's new view.
    /// </summary>
    Task<Relationship> ChangeRelationshipAsync(long actorId, long targetId, RelationshipType type);

    /// <summary>Called by the coordinator of a pair (the lower id) on the higher id's grain: applies this side's new view.</summary>
    Task ApplyPeerRelationshipAsync(long otherId, RelationshipType type);

    Task<IReadOnlyList<Relationship>> GetRelationshipsAsync();

    /// <summary>This user's view of another. Read-only and interleaving, so any grain may ask without risk of a call cycle.</summary>
    [AlwaysInterleave]
    Task<RelationshipType> GetRelationshipAsync(long otherId);

    /// <summary>The DMs and groups this user is in, newest first (at most <c>PrivateChannelRules.MaxListed</c>).</summary>
    Task<IReadOnlyList<long>> GetPrivateChannelIdsAsync();
}
