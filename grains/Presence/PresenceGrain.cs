using Chaos.Accounts;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace Chaos.Presence;

/// <summary>
/// Live presence of one user, never persisted: connections per front door (each set held under a lease the front door
/// renews every <see cref="PresenceOptions.LeaseSeconds"/>; a front door silent for three leases is presumed dead and its
/// connections stop counting), the chosen status and message, and the latest activity (idle → <c>away</c>).
/// <para>
/// Storm control: what others see is published only when it really changed, and at most once per debounce window —
/// the first change of a quiet period goes out at once, a burst is collapsed into its final state at the window's end
/// (and into nothing if that equals what was last published). A connection flapping N times in a window costs at most
/// two publishes, whatever N is.
/// </para>
/// </summary>
internal sealed class PresenceGrain(IOptions<PresenceOptions> options, PresenceMetrics metrics, TimeProvider time) : Grain, IPresenceGrain
{
    /// <summary>Bound on one user's simultaneous connections per front door; beyond it more are not tracked.</summary>
    private const int MaxConnectionsPerFrontDoor = 100;

    private const int MaxFrontDoors = 100;

    private readonly Dictionary<string, Lease> frontDoors = [];
    private PresenceStatus chosen = PresenceStatus.Online;
    private string message = string.Empty;
    private DateTimeOffset lastActivity;
    private DateTimeOffset? lastSeen;

    // What others see: the last time the user was visibly online. Going invisible freezes it exactly as disconnecting
    // does, so invisible and offline cannot be told apart (docs/api.md#presence).
    private DateTimeOffset? lastSeenVisible;
    private bool shownOnline;
    private UserPresence? published;
    private DateTimeOffset lastPublishAt = DateTimeOffset.MinValue;
    private IGrainTimer? debounce;
    private IGrainTimer? ticker;
    private IAsyncStream<GatewayEvent>? stream;

    private PresenceOptions Options => options.Value;

    private long UserId => this.GetPrimaryKeyLong();

    private bool Connected => frontDoors.Count > 0;

    private bool Idle => Connected && chosen == PresenceStatus.Online && time.GetUtcNow() - lastActivity >= TimeSpan.FromSeconds(Options.IdleSeconds);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        stream = this.GetStreamProvider(ChaosProviders.Streams).GetStream<GatewayEvent>(StreamId.Create(ChaosProviders.PresenceNamespace, UserId));
        message = (await GrainFactory.GetGrain<IUserGrain>(UserId).GetProfileAsync())?.StatusMessage ?? string.Empty;
        lastActivity = time.GetUtcNow();
        published = Public();
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task ConnectAsync(string frontDoorId, string connectionId)
    {
        if (!frontDoors.TryGetValue(frontDoorId, out var lease))
        {
            if (frontDoors.Count >= MaxFrontDoors)
            {
                return;
            }

            frontDoors[frontDoorId] = lease = new Lease();
        }

        if (lease.Connections.Count < MaxConnectionsPerFrontDoor)
        {
            lease.Connections.Add(connectionId);
        }

        lease.ExpiresAt = time.GetUtcNow() + LeaseTimeout;
        lastActivity = time.GetUtcNow();
        await ChangedAsync();
    }

    public async Task<bool> TryConnectAsync(string frontDoorId, string connectionId, int maxConnections)
    {
        var now = time.GetUtcNow();
        var known = frontDoors.TryGetValue(frontDoorId, out var lease) && lease.Connections.Contains(connectionId);
        if (!known && frontDoors.Values.Where(l => l.ExpiresAt > now).Sum(l => l.Connections.Count) >= maxConnections)
        {
            return false;
        }

        await ConnectAsync(frontDoorId, connectionId);
        return true;
    }

    public async Task DisconnectAsync(string frontDoorId, string connectionId)
    {
        if (frontDoors.TryGetValue(frontDoorId, out var lease) && lease.Connections.Remove(connectionId) && lease.Connections.Count == 0)
        {
            frontDoors.Remove(frontDoorId);
        }

        await ChangedAsync();
    }

    public async Task<bool> RenewAsync(string frontDoorId, IReadOnlyList<string> connectionIds, DateTimeOffset lastActivity)
    {
        if (connectionIds.Count == 0)
        {
            frontDoors.Remove(frontDoorId);
        }
        else if (frontDoors.Count < MaxFrontDoors || frontDoors.ContainsKey(frontDoorId))
        {
            frontDoors[frontDoorId] = new Lease { Connections = [.. connectionIds.Take(MaxConnectionsPerFrontDoor)], ExpiresAt = time.GetUtcNow() + LeaseTimeout };
        }

        if (lastActivity > this.lastActivity)
        {
            this.lastActivity = lastActivity;
        }

        await ChangedAsync();
        return Idle;
    }

    public async Task ActivityAsync()
    {
        lastActivity = time.GetUtcNow();
        await ChangedAsync();
    }

    public async Task<UserPresence> SetAsync(PresenceStatus status, string? statusMessage)
    {
        if (status == PresenceStatus.Offline)
        {
            throw ChaosException.Validation("status", "status must be online, away, busy or invisible: offline follows from having no connection.");
        }

        if (AccountRules.CheckStatusMessage(statusMessage) is { } error)
        {
            throw ChaosException.Validation("statusMessage", error);
        }

        chosen = status;
        lastActivity = time.GetUtcNow();
        if (statusMessage is not null && statusMessage != message)
        {
            message = statusMessage;
            // The message is part of the profile (PATCH /users/@me); the status itself is not persisted.
            await GrainFactory.GetGrain<IUserGrain>(UserId).UpdateProfileAsync(null, statusMessage);
        }

        await ChangedAsync();
        return Own();
    }

    public async Task SetStatusMessageAsync(string statusMessage)
    {
        message = statusMessage;
        await ChangedAsync();
    }

    public Task<UserPresence> GetAsync() => Task.FromResult(Public());

    public Task<bool> IsIdleAsync() => Task.FromResult(Idle);

    private TimeSpan LeaseTimeout => TimeSpan.FromSeconds(Options.LeaseSeconds * 3);

    private UserPresence Own()
    {
        var status = !Connected ? PresenceStatus.Offline : Idle ? PresenceStatus.Away : chosen;
        return new UserPresence(UserId, status, message, status == PresenceStatus.Offline ? lastSeen : null);
    }

    private UserPresence Public()
    {
        var own = Own();
        return own.Status is PresenceStatus.Offline or PresenceStatus.Invisible
            ? new UserPresence(UserId, PresenceStatus.Offline, string.Empty, lastSeenVisible)
            : own;
    }

    private async Task ChangedAsync()
    {
        Schedule();
        var now = time.GetUtcNow();
        lastSeen = Connected ? null : lastSeen ?? now;
        var visible = Connected && chosen != PresenceStatus.Invisible;
        if (shownOnline && !visible)
        {
            lastSeenVisible = now;
        }

        shownOnline = visible;

        if (debounce is not null || Same(Public(), published))
        {
            // Either nothing changed, or a publish is already scheduled and will carry the latest state.
            return;
        }

        var window = TimeSpan.FromMilliseconds(Options.DebounceMilliseconds);
        var wait = lastPublishAt + window - now;
        if (wait <= TimeSpan.Zero)
        {
            await PublishAsync();
            return;
        }

        debounce = this.RegisterGrainTimer(async _ =>
        {
            debounce?.Dispose();
            debounce = null;
            if (!Same(Public(), published))
            {
                await PublishAsync();
            }
        }, wait, Timeout.InfiniteTimeSpan);
    }

    private async Task PublishAsync()
    {
        var view = Public();
        published = view;
        lastPublishAt = time.GetUtcNow();
        metrics.OnPublished();
        await stream!.OnNextAsync(new GatewayEvent(GatewayEvents.PresenceUpdated, view, null));
    }

    private static bool Same(UserPresence a, UserPresence? b) => b is not null && a.Status == b.Status && a.StatusMessage == b.StatusMessage;

    /// <summary>
    /// Arms the one timer of this grain for the next moment something can change without a call: the earliest lease
    /// expiry (a front door that stopped renewing) or the moment the user turns idle. A healthy front door renews
    /// before its lease ends, so the timer keeps moving forward and fires only when a lease really ends or the user
    /// turns <c>away</c> (docs/architecture.md#presence). Called on every change, so it always reflects the latest state.
    /// </summary>
    private void Schedule()
    {
        if (!Connected)
        {
            ticker?.Dispose();
            ticker = null;
            return;
        }

        var now = time.GetUtcNow();
        var due = frontDoors.Values.Min(l => l.ExpiresAt);
        if (chosen == PresenceStatus.Online && !Idle)
        {
            var idleAt = lastActivity + TimeSpan.FromSeconds(Options.IdleSeconds);
            if (idleAt < due)
            {
                due = idleAt;
            }
        }

        var wait = due > now ? due - now : TimeSpan.Zero;
        if (ticker is null)
        {
            ticker = this.RegisterGrainTimer(_ => TickAsync(), wait, Timeout.InfiniteTimeSpan);
        }
        else
        {
            ticker.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Expires dead front doors' leases and notices idleness; <see cref="ChangedAsync"/> arms a fresh timer for the next tick.</summary>
    private async Task TickAsync()
    {
        ticker?.Dispose();
        ticker = null;
        var now = time.GetUtcNow();
        foreach (var dead in frontDoors.Where(f => f.Value.ExpiresAt <= now).Select(f => f.Key).ToList())
        {
            frontDoors.Remove(dead);
        }

        await ChangedAsync();
    }

    private sealed class Lease
    {
        public HashSet<string> Connections { get; init; } = [];

        public DateTimeOffset ExpiresAt { get; set; }
    }
}
