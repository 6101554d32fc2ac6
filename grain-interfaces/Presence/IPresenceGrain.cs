using Orleans.Concurrency;

namespace Chaos.Presence;

/// <summary>
/// One user's live presence, keyed by user id. Not persisted: it is derived from the connections front doors hold
/// (each front door's set counts while the front door is alive in the front-door directory) plus the status the user
/// chose. An idle connection costs it no call (docs/architecture.md#presence). Publishes <c>PresenceUpdated</c> on
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

    /// <summary>
    /// Replaces what this grain knows of one front door with the whole set of the user's connections there and their
    /// latest activity: the front door's repair after a silo left (this grain may be a fresh activation that lost it).
    /// </summary>
    Task RestoreAsync(string frontDoorId, IReadOnlyList<string> connectionIds, DateTimeOffset lastActivity);

    /// <summary>The user did something at <paramref name="at"/>: moves the moment of an idle <c>away</c>, or ends one.</summary>
    Task ActivityAsync(DateTimeOffset at);

    /// <summary>The front door stopped renewing its entry in the front-door directory: its connections stop counting.</summary>
    Task FrontDoorGoneAsync(string frontDoorId);

    /// <summary>Sets the chosen status (not <c>offline</c>) and optionally the status message; returns the user's own view.</summary>
    Task<UserPresence> SetAsync(PresenceStatus status, string? statusMessage);

    /// <summary>The profile's status message changed (<c>PATCH /users/@me</c>): show it, without writing it back.</summary>
    Task SetStatusMessageAsync(string statusMessage);

    /// <summary>What everyone else sees.</summary>
    [AlwaysInterleave]
    Task<UserPresence> GetAsync();
}
