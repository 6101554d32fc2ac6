using Orleans.Concurrency;

namespace Chaos.Presence;

/// <summary>
/// One user's live presence, keyed by user id. Not persisted: it is derived from the connections front doors hold
/// (each front door's set under a lease it renews) plus the status the user chose. Publishes <c>PresenceUpdated</c> on
/// the <c>presence</c> stream only on real changes of what others see, debounced.
/// </summary>
public interface IPresenceGrain : IGrainWithIntegerKey
{
    Task ConnectAsync(string frontDoorId, string connectionId);

    /// <summary>
    /// Counts the connection only if the user holds fewer than <paramref name="maxConnections"/> on all live front doors;
    /// false refuses it (docs/architecture.md#connection-limits).
    /// </summary>
    Task<bool> TryConnectAsync(string frontDoorId, string connectionId, int maxConnections);

    Task DisconnectAsync(string frontDoorId, string connectionId);

    /// <summary>The lease: the whole set of this user's connections on one front door and its latest activity; true while idle.</summary>
    Task<bool> RenewAsync(string frontDoorId, IReadOnlyList<string> connectionIds, DateTimeOffset lastActivity);

    /// <summary>The user did something: an idle <c>away</c> ends.</summary>
    Task ActivityAsync();

    /// <summary>Sets the chosen status (not <c>offline</c>) and optionally the status message; returns the user's own view.</summary>
    Task<UserPresence> SetAsync(PresenceStatus status, string? statusMessage);

    /// <summary>The profile's status message changed (<c>PATCH /users/@me</c>): show it, without writing it back.</summary>
    Task SetStatusMessageAsync(string statusMessage);

    /// <summary>What everyone else sees.</summary>
    [AlwaysInterleave]
    Task<UserPresence> GetAsync();

    /// <summary>Whether an idle <c>away</c> is in force (front doors then report the next activity at once).</summary>
    [AlwaysInterleave]
    Task<bool> IsIdleAsync();
}
