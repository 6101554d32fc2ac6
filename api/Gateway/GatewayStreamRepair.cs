using Orleans.Runtime;

namespace Chaos.Api.Gateway;

/// <summary>
/// Repairs this front door's stream delivery after a silo leaves or dies (docs/architecture.md#front-door-gap-fill): a
/// memory stream loses what was queued on the silo that went away, and a co-hosted silo killed mid-stream has been seen
/// to leave a surviving front door with a channel subscription that no longer delivers. On every such membership change,
/// and again a few times while the cluster settles, it re-registers subscriptions the stream pub-sub no longer knows,
/// asks every channel it delivers for what was published after its last seq and delivers that, and renews the
/// subscription of a channel whose live stream turned out to have lost messages. Where no membership view is available
/// (a front door that joins as a pure client) it checks on a slow timer instead.
/// </summary>
public sealed partial class GatewayStreamRepair(
    IServiceProvider services,
    GatewayStreamSubscriptions subscriptions,
    GatewayChannelSequencer sequencer,
    GatewayEventDispatcher dispatcher,
    GatewayChannelRelay relay,
    ILogger<GatewayStreamRepair> logger) : BackgroundService
{
    /// <summary>Rounds after a change: at once, then while queues move and grains reactivate on the survivors.</summary>
    private static readonly TimeSpan[] Rounds = [TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40)];

    /// <summary>Without a membership view: how often a pure-client front door checks its channels.</summary>
    private static readonly TimeSpan ClientPeriod = TimeSpan.FromSeconds(15);

    private readonly SemaphoreSlim running = new(1, 1);
    private CancellationTokenSource? settling;

    /// <summary>Messages delivered by repair rounds (the live stream had lost them).</summary>
    public long Repaired { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var renewing = relay.Enabled ? RenewLoopAsync(stoppingToken) : Task.CompletedTask;
        try
        {
            await WatchAsync(stoppingToken);
        }
        finally
        {
            await renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// The push relay's lease renewal (docs/architecture.md#push-relay-for-channel-events): every
    /// <see cref="Chaos.Gateway.ChannelRelayRules.Renewal"/> each registration is renewed, which registers it again with a
    /// grain that reactivated (after a silo died) and forgot it; a channel that published past what this door delivered
    /// (a push lost, or not sent while the grain did not know this door) is filled from the grain by seq.
    /// </summary>
    private async Task RenewLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Chaos.Gateway.ChannelRelayRules.Renewal);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RenewRelayAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RenewRelayAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var (channelId, published) in await relay.RenewAsync(cancellationToken))
            {
                if (published > sequencer.LastOf(channelId))
                {
                    var missed = await sequencer.CatchUpAsync(channelId, dispatcher.DeliverToChannel(channelId));
                    if (missed > 0)
                    {
                        Repaired += missed;
                    }
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRoundFailed(logger, exception);
        }
    }

    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<IClusterMembershipService>() is not { } membership)
        {
            using var timer = new PeriodicTimer(ClientPeriod);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RoundAsync(stoppingToken);
            }

            return;
        }

        try
        {
            await foreach (var changes in SiloStatusChanges.ReadAllAsync(membership, stoppingToken))
            {
                var changed = false;
                foreach (var (address, before, now) in changes)
                {
                    if (before == SiloStatus.Active && now is SiloStatus.ShuttingDown or SiloStatus.Stopping or SiloStatus.Dead)
                    {
                        changed = true;
                        LogSiloLeft(logger, address.ToString(), now.ToString());
                    }
                }

                if (changed)
                {
                    Settle(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Idempotent: the container disposes this instance twice (as itself and as the hosted service).</summary>
    public override void Dispose()
    {
        var current = Interlocked.Exchange(ref settling, null);
        current?.Cancel();
        current?.Dispose();
        running.Dispose();
        base.Dispose();
    }

    /// <summary>Starts (or restarts) the rounds that follow a membership change.</summary>
    private void Settle(CancellationToken stoppingToken)
    {
        var next = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var previous = Interlocked.Exchange(ref settling, next);
        previous?.Cancel();
        previous?.Dispose();
        var token = next.Token;
        _ = Task.Run(
            async () =>
            {
                try
                {
                    var started = DateTime.UtcNow;
                    foreach (var at in Rounds)
                    {
                        var wait = at - (DateTime.UtcNow - started);
                        if (wait > TimeSpan.Zero)
                        {
                            await Task.Delay(wait, token);
                        }

                        await RoundAsync(token);
                    }
                }
                catch (OperationCanceledException)
                {
                    // A newer change restarted the rounds, or the host stops.
                }
            },
            CancellationToken.None);
    }

    /// <summary>One repair round; rounds never overlap.</summary>
    public async Task RoundAsync(CancellationToken cancellationToken)
    {
        await running.WaitAsync(cancellationToken);
        try
        {
            await subscriptions.VerifyAsync(cancellationToken);
            if (relay.Enabled)
            {
                // At once, not on the next renewal: a grain that reactivated on a survivor pushes here again.
                await RenewRelayAsync(cancellationToken);
            }

            foreach (var channelId in sequencer.Channels())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var missed = await sequencer.CatchUpAsync(channelId, dispatcher.DeliverToChannel(channelId));
                if (missed > 0)
                {
                    Repaired += missed;
                    // The live stream lost messages that were published: renew the subscription in case it is the
                    // subscription, not only the queue of a silo that left, that stopped delivering.
                    await subscriptions.RenewAsync(Chaos.Hosting.ChaosProviders.ChannelNamespace, channelId);
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRoundFailed(logger, exception);
        }
        finally
        {
            running.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} is {Status}: checking this front door's stream subscriptions and channel tails")]
    private static partial void LogSiloLeft(ILogger logger, string silo, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A stream repair round failed")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
