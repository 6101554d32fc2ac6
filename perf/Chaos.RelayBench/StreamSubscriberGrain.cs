using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Streams;

namespace Chaos.RelayBench;

/// <summary>
/// The memory-stream consumer, implicitly subscribed to <c>bench/KEY</c> as the grain with key <c>KEY</c>;
/// prefer-local like <see cref="ChannelSubscriberGrain"/>.
/// </summary>
[ImplicitStreamSubscription(BenchNames.Namespace)]
[PreferLocalPlacement]
public sealed class StreamSubscriberGrain(ILocalSiloDetails silo, Recorder recorder) : Grain, IStreamSubscriberGrain
{
    private IBenchObserver? relay;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        recorder.Activated(nameof(StreamSubscriberGrain), this.GetPrimaryKeyString(), silo.SiloAddress.ToString());
        var stream = this.GetStreamProvider(BenchNames.StreamProvider)
            .GetStream<BenchEvent>(StreamId.Create(BenchNames.Namespace, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync((item, _) => OnNext(item));
    }

    public Task<string> WhereAsync() => Task.FromResult(silo.SiloAddress.ToString());

    public Task SetRelayAsync(IBenchObserver? relay)
    {
        ReferenceGuard.RequireBoundHere(relay, ServiceProvider, "the relay's observer reference");
        this.relay = relay;
        return Task.CompletedTask;
    }

    private Task OnNext(BenchEvent item)
    {
        recorder.Arrive(ArrivalPoint.Grain, item);
        if (relay is not null)
        {
            _ = relay.OnEvent(item);
        }

        return Task.CompletedTask;
    }
}
