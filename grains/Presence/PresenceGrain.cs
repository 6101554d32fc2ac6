using Chaos.Accounts;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace Chaos.Presence;

/// <summary>
/// Live presence of one user, never persisted: connections per front door (a front door's set counts until the silo's
/// <see cref="FrontDoorWatch"/> finds that front door gone from the front-door directory), the chosen status and
/// message, and the latest activity (idle → <c>away</c>). An idle connection costs this grain no call: front doors
/// report activity only where an <c>away</c> is near, and repair this grain only after a silo left
/// (docs/architecture.md#presence). While the user is connected the grain is never collected, so nothing it holds is
/// lost to idleness.
/// <para>
/// Storm control: what others see is published only when it really changed, and at most once per debounce window —
/// the first change of a quiet period goes out at once, a burst is collapsed into its final state at the window's end
/// (and into nothing if that equals what was last published). A connection flapping N times in a window costs at most
/// two publishes, whatever N is.
/// </para>
/// </summary>
internal sealed class PresenceGrain(IOptions<PresenceOptions> options, PresenceMetrics metrics, FrontDoorWatch watch, TimeProvider time) : Grain, IPresenceGrain
{
    /// <summary>Bound on one user's simultaneous connections per front door; beyond it more are not tracked.</summary>
    private const int MaxConnectionsPerFrontDoor = 100;

    private const int MaxFrontDoors = 100;

    private readonly Dictionary<string, HashSet<string>> frontDoors = [];
    private PresenceStatus chosen = PresenceStatus.Online;
    private string message = string.Empty;
    private DateTimeOffset lastActivity;
    private DateTimeOffset? lastSeen;

    // What others see: the last time the user was visibly online. Going invisible freezes it exactly as disconnecting
    // does, so invisible and offline cannot be told apart (docs/api.md#presence).
    private DateTimeOffset? lastSeenVisible;
    private bool shownOnline;
    private bool keptAlive;
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

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        foreach (var frontDoorId in frontDoors.Keys)
        {
            watch.Unwatch(frontDoorId, UserId);
        }

        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task ConnectAsync(string frontDoorId, string connectionId)
    {
        if (Door(frontDoorId) is { } connections && connections.Count < MaxConnectionsPerFrontDoor)
        {
            connections.Add(connectionId);
        }

        lastActivity = time.GetUtcNow();
        await ChangedAsync();
    }

    public async Task<bool> TryConnectAsync(string frontDoorId, string connectionId, int maxConnections)
    {
        var known = frontDoors.TryGetValue(frontDoorId, out var connections) && connections.Contains(connectionId);
        if (!known && frontDoors.Values.Sum(c => c.Count) >= maxConnections)
        {
            return false;
        }

        await ConnectAsync(frontDoorId, connectionId);
        return true;
    }

    public async Task DisconnectAsync(string frontDoorId, string connectionId)
    {
        if (frontDoors.TryGetValue(frontDoorId, out var connections) && connections.Remove(connectionId) && connections.Count == 0)
        {
            Drop(frontDoorId);
        }

        await ChangedAsync();
    }

    public async Task RestoreAsync(string frontDoorId, IReadOnlyList<string> connectionIds, DateTimeOffset lastActivity)
    {
        if (connectionIds.Count == 0)
        {
            Drop(frontDoorId);
        }
        else if (Door(frontDoorId) is { } connections)
        {
            connections.Clear();
            connections.UnionWith(connectionIds.Take(MaxConnectionsPerFrontDoor));
        }

        await ActivityAsync(lastActivity);
    }

    public async Task ActivityAsync(DateTimeOffset at)
    {
        if (at > lastActivity)
        {
            lastActivity = at;
        }

        await ChangedAsync();
    }

    public async Task FrontDoorGoneAsync(string frontDoorId)
    {
        Drop(frontDoorId);
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

    /// <summary>This front door's connection set, created (and watched by the silo) on first use; null past the bound.</summary>
    private HashSet<string>? Door(string frontDoorId)
    {
        if (frontDoors.TryGetValue(frontDoorId, out var connections))
        {
            return connections;
        }

        if (frontDoors.Count >= MaxFrontDoors)
        {
            return null;
        }

        frontDoors[frontDoorId] = connections = [];
        watch.Watch(frontDoorId, UserId);
        return connections;
    }

    private void Drop(string frontDoorId)
    {
        if (frontDoors.Remove(frontDoorId))
        {
            watch.Unwatch(frontDoorId, UserId);
        }
    }

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
        if (keptAlive != Connected)
        {
            // Connected: never collected (front doors do not call an idle user's grain). Offline: collected as usual.
            keptAlive = Connected;
            DelayDeactivation(keptAlive ? TimeSpan.MaxValue : TimeSpan.Zero);
        }

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
    /// Arms the one timer of this grain for the moment the user turns idle, if that can happen without a call (a
    /// connected user who chose <c>online</c> and is not idle yet). Called on every change, so it always reflects the
    /// latest activity; front doors report activity before this moment comes (docs/architecture.md#presence).
    /// </summary>
    private void Schedule()
    {
        if (!Connected || chosen != PresenceStatus.Online || Idle)
        {
            ticker?.Dispose();
            ticker = null;
            return;
        }

        var idleAt = lastActivity + TimeSpan.FromSeconds(Options.IdleSeconds);
        var now = time.GetUtcNow();
        var wait = idleAt > now ? idleAt - now : TimeSpan.Zero;
        if (ticker is null)
        {
            ticker = this.RegisterGrainTimer(_ => TickAsync(), wait, Timeout.InfiniteTimeSpan);
        }
        else
        {
            ticker.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The user turned idle; <see cref="ChangedAsync"/> publishes <c>away</c>.</summary>
    private async Task TickAsync()
    {
        ticker?.Dispose();
        ticker = null;
        await ChangedAsync();
    }
}
