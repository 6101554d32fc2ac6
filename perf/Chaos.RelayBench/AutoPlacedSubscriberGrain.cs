using Orleans.BroadcastChannel;
using Orleans.Runtime;

namespace Chaos.RelayBench;

/// <summary>
/// A BroadcastChannel consumer with Orleans' default placement, never activated beforehand: the first delivery
/// activates it wherever the default strategy chooses (<c>--subscriber-silo auto</c>; the activations line says where).
/// </summary>
[ImplicitChannelSubscription(BenchNames.AutoNamespace)]
public sealed class AutoPlacedSubscriberGrain(ILocalSiloDetails silo, Recorder recorder)
    : Grain, IAutoPlacedSubscriberGrain, IOnBroadcastChannelSubscribed
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        recorder.Activated(nameof(AutoPlacedSubscriberGrain), this.GetPrimaryKeyString(), silo.SiloAddress.ToString());
        return Task.CompletedTask;
    }

    public Task<string> WhereAsync() => Task.FromResult(silo.SiloAddress.ToString());

    public Task SetRelayAsync(IBenchObserver? relay) =>
        throw new NotSupportedException("The auto-placed subscriber does not relay: setting a relay would activate it.");

    public Task OnSubscribed(IBroadcastChannelSubscription streamSubscription) =>
        streamSubscription.Attach<BenchEvent>(item =>
        {
            recorder.Arrive(ArrivalPoint.Grain, item);
            return Task.CompletedTask;
        });
}
