using System.Collections.Concurrent;
using Chaos.Gateway;
using Chaos.Hosting;

namespace Chaos.Api.Gateway;

/// <summary>
/// The promise that a create or join returns only once every open connection of the user, on every front door, hears
/// the new community or channel (docs/architecture.md#delivery-barrier). A route calls <see cref="WaitAsync"/> after its
/// change is published; every front door (found in <see cref="IFrontDoorDirectoryGrain"/>) that listens to one of the
/// affected streams publishes a <see cref="DeliveryMark"/> of its own there and answers once it has dispatched it — by
/// then everything published before, the change included, has been applied to its connections. One call per front door
/// per change, never one per user or connection.
/// </summary>
public sealed partial class GatewayDeliveryBarrier(
    IClusterClient cluster,
    GatewayStreamSubscriptions subscriptions,
    GatewayAccess access,
    FrontDoorIdentity identity,
    ILogger<GatewayDeliveryBarrier> logger) : IFrontDoorObserver, IHostedService, IDisposable
{
    /// <summary>How long a route waits for one front door before it answers anyway (a front door that is dying).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<long, TaskCompletionSource> marks = new();
    private readonly Lock gate = new();
    private long nextToken;
    private IFrontDoorObserver? reference;
    private CancellationTokenSource? stopping;
    private Task? renewing;

    /// <summary>Identifies this front door in the directory, on its marks and in Presence grains; new per process.</summary>
    public string FrontDoorId => identity.Id;

    private IFrontDoorObserver Reference
    {
        get
        {
            lock (gate)
            {
                return reference ??= cluster.CreateObjectReference<IFrontDoorObserver>(this);
            }
        }
    }

    /// <summary>
    /// Returns once every front door has applied what was published on <paramref name="streams"/> before this call (or
    /// after <see cref="Timeout"/> for a front door that does not answer; that is logged, never an error to the caller).
    /// </summary>
    public async Task WaitAsync(IReadOnlyList<GatewayStream> streams)
    {
        if (streams.Count == 0)
        {
            return;
        }

        Dictionary<string, IFrontDoorObserver> others;
        try
        {
            others = await cluster.GetGrain<IFrontDoorDirectoryGrain>(0).GetAsync();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogDirectoryFailed(logger, exception);
            others = [];
        }

        // This front door answers itself directly: it may not be in the directory yet, and needs no round trip.
        others.Remove(FrontDoorId);
        var waits = others.Select(o => CallAsync(o.Key, o.Value.CatchUpAsync(streams))).Append(CallAsync(FrontDoorId, CatchUpAsync(streams)));
        await Task.WhenAll(waits);
    }

    /// <summary>After a user joined or created something: their user streams (membership, DMs and groups).</summary>
    public Task WaitForUsersAsync(IEnumerable<long> userIds) =>
        WaitAsync([.. userIds.Distinct().Select(u => new GatewayStream(ChaosProviders.UserNamespace, u))]);

    /// <summary>After an access change in a community (a role or overwrite granting a channel): its community stream.</summary>
    public Task WaitForCommunityAsync(long communityId) =>
        WaitAsync([new GatewayStream(ChaosProviders.CommunityNamespace, communityId)]);

    /// <summary>
    /// For each stream this front door listens to: waits for a subscription still being set up (whoever waits on it takes
    /// its snapshot afterwards), then publishes a mark there and waits until it is dispatched, then waits for the local
    /// connections still being set up to replay what they missed.
    /// </summary>
    public Task CatchUpAsync(IReadOnlyList<GatewayStream> streams) => Task.WhenAll(streams.Distinct().Select(CatchUpAsync));

    /// <summary>Called by the dispatcher for each mark, in stream order; completes this front door's own waits.</summary>
    public void Reached(DeliveryMark mark)
    {
        if (mark.FrontDoorId == FrontDoorId && marks.TryRemove(mark.Token, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        stopping = new CancellationTokenSource();
        renewing = RenewLoopAsync(stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (stopping is null || renewing is null)
        {
            return;
        }

        await stopping.CancelAsync();
        await renewing.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await cluster.GetGrain<IFrontDoorDirectoryGrain>(0).UnregisterAsync(FrontDoorId).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The lease ends on its own.
            LogRenewFailed(logger, exception);
        }
    }

    public void Dispose() => stopping?.Dispose();

    private async Task CatchUpAsync(GatewayStream stream)
    {
        if (subscriptions.Pending(stream.Namespace, stream.Key) is not { } pending)
        {
            return;
        }

        try
        {
            await pending;
        }
        catch (Exception)
        {
            // A failed subscription delivers nothing here; its connection failed with it.
            return;
        }

        var token = Interlocked.Increment(ref nextToken);
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        marks[token] = waiter;
        try
        {
            var published = cluster.GetStreamProvider(ChaosProviders.Streams).GetStream<GatewayEvent>(StreamId.Create(stream.Namespace, stream.Key));
            await published.OnNextAsync(GatewayEvent.Control(new DeliveryMark(FrontDoorId, token)));
            await waiter.Task.WaitAsync(Timeout);
        }
        finally
        {
            marks.TryRemove(token, out _);
        }

        // A connection still being set up missed the change in its snapshot and replays it once set up: wait for that too.
        await access.SettledAsync(stream.Namespace == ChaosProviders.UserNamespace ? stream.Key : null).WaitAsync(Timeout);
    }

    private async Task CallAsync(string frontDoorId, Task call)
    {
        try
        {
            await call.WaitAsync(Timeout);
        }
        catch (Exception exception)
        {
            LogCatchUpFailed(logger, exception, frontDoorId);
        }
    }

    private async Task RenewLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(FrontDoorLease.Renewal);
        var registered = false;
        do
        {
            try
            {
                var known = await cluster.GetGrain<IFrontDoorDirectoryGrain>(0).RegisterAsync(FrontDoorId, Reference, (int)FrontDoorLease.Duration.TotalSeconds);
                if (registered && !known)
                {
                    identity.OnLeaseLost();
                }

                registered = true;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                LogRenewFailed(logger, exception);
            }
        }
        while (await NextTickAsync(timer, cancellationToken));
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the front-door directory failed; only this front door was caught up")]
    private static partial void LogDirectoryFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Front door {FrontDoorId} did not catch up; answering without it")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception exception, string frontDoorId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing this front door in the directory failed; retrying at the next renewal")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);
}
