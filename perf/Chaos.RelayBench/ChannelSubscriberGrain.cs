using Orleans.BroadcastChannel;
using Orleans.Placement;
using Orleans.Runtime;

namespace Chaos.RelayBench;

/// <summary>
/// The BroadcastChannel consumer. A channel <c>bench/KEY</c> reaches the grain of this type with key <c>KEY</c>
/// (Orleans builds the grain id from the subscribing grain type and the channel key); prefer-local, so the driver
/// chooses its silo by activating it from there first.
/// </summary>
[ImplicitChannelSubscription(BenchNames.Namespace)]
[PreferLocalPlacement]
public sealed class ChannelSubscriberGrain(ILocalSiloDetails silo, Recorder recorder)
    : Grain, IChannelSubscriberGrain, IOnBroadcastChannelSubscribed
{
    private IBenchObserver? relay;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        recorder.Activated(nameof(ChannelSubscriberGrain), this.GetPrimaryKeyString(), silo.SiloAddress.ToString());
        return Task.CompletedTask;
    }

    public Task<string> WhereAsync() => Task.FromResult(silo.SiloAddress.ToString());

    public Task SetRelayAsync(IBenchObserver? relay)
    {
        ReferenceGuard.RequireBoundHere(relay, ServiceProvider, "the relay's observer reference");
        this.relay = relay;
        return Task.CompletedTask;
    }

    public Task OnSubscribed(IBroadcastChannelSubscription streamSubscription) =>
        streamSubscription.Attach<BenchEvent>(OnPublished);

    private Task OnPublished(BenchEvent item)
    {
        recorder.Arrive(ArrivalPoint.Grain, item);
        if (relay is not null)
        {
            _ = relay.OnEvent(item);
        }

        return Task.CompletedTask;
    }
}
